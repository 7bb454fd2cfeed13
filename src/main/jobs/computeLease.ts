// One heavy computation at a time per library, across processes. A CLI command that computes in its
// own process (no app to hand the work to, see cli/heavy.ts) holds this lease, and so does the app's
// or serve's queue while one of its jobs runs; any other waits for it rather than competing for the
// same cores and the same photos. The lease names a process, so one that died holding it holds nothing.
import type { Db } from '../store/db';
import { readLock, releaseLock, writeLock, type ProcessLock } from '../store/locks';
import { alive } from './jobControl';
import { throwIfCancelled } from '../util/progress';
import type { JobGate } from './runner';

export type ComputeLease = ProcessLock;

/** Takes the lease for this process and returns null, or returns the live process that holds it. */
export function takeComputeLease(db: Db, what: string): ComputeLease | null {
  return db
    .transaction(() => {
      const held = readLock(db, 'computing');
      if (held && held.pid !== process.pid && alive(held.pid)) return held;
      writeLock(db, 'computing', what);
      return null;
    })
    .immediate();
}

export function releaseComputeLease(db: Db): void {
  releaseLock(db, 'computing');
}

export interface LeaseWait {
  signal?: AbortSignal;
  /** Told once, when the lease is held by another process. */
  onWaiting?: (holder: ComputeLease) => void;
  /** Asked while waiting: true stops the wait without the lease. */
  giveUp?: () => boolean;
}

const POLL_MS = 250;

/** Takes the lease once no other live process holds it (true), or false when `giveUp` said so. */
export async function acquireComputeLease(db: Db, what: string, wait: LeaseWait = {}): Promise<boolean> {
  let told = false;
  for (;;) {
    const holder = takeComputeLease(db, what);
    if (holder === null) return true;
    if (!told) wait.onWaiting?.(holder);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    throwIfCancelled(wait.signal);
    if (wait.giveUp?.()) return false;
  }
}

/** The queue owner's gate: each job runs once no CLI command computes for the library, and holds the lease meanwhile. */
export function computeLeaseGate(db: Db): JobGate {
  return async (job, { signal, say }) => {
    await acquireComputeLease(db, job.message, {
      signal,
      onWaiting: (holder) => say(`Waiting for another likeness command (pid ${holder.pid}: ${holder.what}) to finish`),
    });
    return () => releaseComputeLease(db);
  };
}
