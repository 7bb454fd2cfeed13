// One heavy computation at a time per library when no app runs its job queue. A CLI command that
// computes in its own process (nobody to hand the work to, see cli/heavy.ts) holds this lease;
// another such command waits for it rather than competing for the same cores and the same photos.
// The lease names a process, so one that died holding it holds nothing.
import type { Db } from '../store/db';
import { getSetting, setSetting } from '../store/settings';
import { alive } from './jobControl';

const LEASE_KEY = 'jobs.computing';

export interface ComputeLease {
  pid: number;
  /** What the holder is doing, in words ("training", "indexing"). */
  what: string;
  since: string;
}

/** Takes the lease for this process and returns null, or returns the live process that holds it. */
export function takeComputeLease(db: Db, what: string): ComputeLease | null {
  return db
    .transaction(() => {
      const held = getSetting<ComputeLease | null>(db, LEASE_KEY, null);
      if (held && held.pid !== process.pid && alive(held.pid)) return held;
      setSetting(db, LEASE_KEY, { pid: process.pid, what, since: new Date().toISOString() } satisfies ComputeLease);
      return null;
    })
    .immediate();
}

export function releaseComputeLease(db: Db): void {
  db.transaction(() => {
    if (getSetting<ComputeLease | null>(db, LEASE_KEY, null)?.pid === process.pid) setSetting(db, LEASE_KEY, null);
  }).immediate();
}
