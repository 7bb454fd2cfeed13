// SQL for the process locks of a library: which process runs its job queue ('queue-owner') and which
// one computes for it now ('computing'). They name a process, so a lock whose process died holds
// nothing; they are kept apart from the user's settings, which they are not.
import type { Db } from './db';

export type LockName = 'queue-owner' | 'computing';

export interface ProcessLock {
  pid: number;
  /** What the holder is doing, in words ("running the job queue", "Training a model version"). */
  what: string;
  since: string;
}

export function readLock(db: Db, name: LockName): ProcessLock | null {
  return (db.prepare('SELECT pid, what, since FROM process_locks WHERE name = ?').get(name) as ProcessLock | undefined) ?? null;
}

/** Records this process (or `pid`) as the holder, whoever held it before. */
export function writeLock(db: Db, name: LockName, what: string, pid = process.pid): void {
  db.prepare(
    `INSERT INTO process_locks (name, pid, what, since) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET pid = excluded.pid, what = excluded.what, since = excluded.since`,
  ).run(name, pid, what, new Date().toISOString());
}

/** Gives the lock back if this process holds it. */
export function releaseLock(db: Db, name: LockName): void {
  db.prepare('DELETE FROM process_locks WHERE name = ? AND pid = ?').run(name, process.pid);
}
