// Opening the library database: WAL, foreign keys, and migrations to the newest schema.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations';

export type Db = Database.Database;

/**
 * better-sqlite3's addon is compiled for one ABI. node_modules holds the Node build (CLI, tests);
 * inside Electron, `npm start` points LIKENESS_ELECTRON_SQLITE at a build for Electron's ABI, and
 * every connection — the main thread's and each worker thread's (training, regrouping) — passes it
 * as `nativeBinding` (workers inherit the environment). A packaged app would ship the Electron
 * build in node_modules and leave the variable unset.
 */
function sqliteOptions(options: Database.Options = {}): Database.Options {
  const nativeBinding = process.env.LIKENESS_ELECTRON_SQLITE;
  if (!nativeBinding) return options;
  if (!existsSync(nativeBinding)) throw new Error(`LIKENESS_ELECTRON_SQLITE points at a missing file: ${nativeBinding}`);
  return { ...options, nativeBinding };
}

/** A read-only connection of a worker thread's own (WAL: a consistent snapshot while the main side writes). */
export function openReadOnly(file: string): Db {
  const db = new Database(file, sqliteOptions({ readonly: true, fileMustExist: true }));
  db.pragma('busy_timeout = 10000');
  return db;
}

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, sqliteOptions());
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  migrate(db);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db): void {
  const current = schemaVersion(db);
  const newest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `This library was written by a newer Likeness (schema ${current}, this version knows ${newest}). ` + 'Update Likeness to open it.',
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
