// The core's handle on one library: its data directory and its open database.
// Everything in src/main takes a Core rather than opening files of its own.
import { DataDir } from './dataDir';
import { openDatabase, type Db } from './store/db';

export interface Core {
  dataDir: DataDir;
  db: Db;
}

export function openCore(root?: string): Core {
  const dataDir = new DataDir(root).ensure();
  return { dataDir, db: openDatabase(dataDir.database) };
}

export function closeCore(core: Core): void {
  core.db.close();
}
