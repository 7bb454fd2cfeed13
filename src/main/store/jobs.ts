// SQL for the persisted job queue. Rates and ETAs are not stored: they mean nothing after a restart.
import type { Job, JobKind, JobState } from '../../shared/api';
import type { Db } from './db';
import { nowIso } from './db';

interface JobRow {
  id: number;
  kind: JobKind;
  state: JobState;
  params: string;
  done: number;
  total: number;
  message: string;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    done: row.done,
    total: row.total,
    rate: null,
    etaSeconds: null,
    message: row.message,
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/**
 * A new job id, taken by inserting its row at once (SQLite picks max(id) + 1 under its write lock),
 * so that the process running the queue and a CLI submitting work to it never pick the same id.
 */
export function reserveJobId(db: Db, kind: JobKind): number {
  return (db.prepare("INSERT INTO jobs (kind, state, created_at) VALUES (?, 'queued', ?) RETURNING id").get(kind, nowIso()) as { id: number }).id;
}

/**
 * Work another process (the CLI) asks the queue's owner to run: a queued job whose params carry
 * `submitted: true` until the owner adopts it (takeSubmittedJobs).
 */
export function submitJob(db: Db, kind: JobKind, message: string, params: Record<string, unknown>): number {
  return (
    db
      .prepare("INSERT INTO jobs (kind, state, message, params, created_at) VALUES (?, 'queued', ?, ?, ?) RETURNING id")
      .get(kind, message, JSON.stringify({ ...params, submitted: true }), nowIso()) as { id: number }
  ).id;
}

/** Jobs submitted by other processes and not adopted yet, oldest first; they are marked adopted as they are taken. */
export function takeSubmittedJobs(db: Db): (Job & { params: Record<string, unknown> })[] {
  return db
    .transaction(() => {
      const rows = db.prepare("SELECT * FROM jobs WHERE state = 'queued' AND json_extract(params, '$.submitted') = 1 ORDER BY id").all() as JobRow[];
      const mark = db.prepare("UPDATE jobs SET params = json_remove(params, '$.submitted') WHERE id = ?");
      for (const row of rows) mark.run(row.id);
      return rows.map((row) => {
        const { submitted: _submitted, ...params } = JSON.parse(row.params) as Record<string, unknown>;
        return { ...toJob(row), params };
      });
    })
    .immediate();
}

/** Merges `fields` into a job's params (a submitted job's result, for the process that asked). */
export function mergeJobParams(db: Db, id: number, fields: Record<string, unknown>): void {
  db.prepare('UPDATE jobs SET params = json_patch(params, ?) WHERE id = ?').run(JSON.stringify(fields), id);
}

/** Inserts the job or updates its row (rate and ETA are left out). */
export function saveJob(db: Db, job: Job): void {
  db.prepare(
    `INSERT INTO jobs (id, kind, state, done, total, message, error, created_at, started_at, finished_at)
     VALUES (@id, @kind, @state, @done, @total, @message, @error, @createdAt, @startedAt, @finishedAt)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, done = excluded.done, total = excluded.total,
       message = excluded.message, error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at`,
  ).run({
    id: job.id,
    kind: job.kind,
    state: job.state,
    done: job.done,
    total: job.total,
    message: job.message,
    error: job.error,
    createdAt: nowIso(),
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  });
}

export function setJobParams(db: Db, id: number, params: unknown): void {
  db.prepare('UPDATE jobs SET params = ? WHERE id = ?').run(JSON.stringify(params), id);
}

export function getJob(db: Db, id: number): Job | undefined {
  const row = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row && toJob(row);
}

export function jobParams(db: Db, id: number): unknown {
  const row = db.prepare('SELECT params FROM jobs WHERE id = ?').get(id) as { params: string } | undefined;
  return row ? JSON.parse(row.params) : undefined;
}

/** Newest first: every unfinished job, then the latest `keepFinished` finished ones. */
export function listJobs(db: Db, keepFinished: number): Job[] {
  const rows = db
    .prepare(
      `SELECT * FROM jobs WHERE state IN ('queued', 'running', 'paused')
       UNION ALL SELECT * FROM (SELECT * FROM jobs WHERE state IN ('done', 'failed', 'cancelled') ORDER BY id DESC LIMIT ?)
       ORDER BY id DESC`,
    )
    .all(keepFinished) as JobRow[];
  return rows.map(toJob);
}

/** Jobs a previous process left queued, running or paused (it crashed or was killed), oldest first. */
export function unfinishedJobs(db: Db): (Job & { params: unknown })[] {
  const rows = db.prepare("SELECT * FROM jobs WHERE state IN ('queued', 'running', 'paused') ORDER BY id").all() as JobRow[];
  return rows.map((row) => ({ ...toJob(row), params: JSON.parse(row.params) }));
}

/** Deletes finished jobs beyond the newest `keep`, so the table does not grow forever. */
export function pruneJobs(db: Db, keep: number): void {
  db.prepare(
    "DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND id NOT IN (SELECT id FROM jobs WHERE state IN ('done', 'failed', 'cancelled') ORDER BY id DESC LIMIT ?)",
  ).run(keep);
}

export type JobAction = 'cancel' | 'pause' | 'resume';

/** Leaves a request for the process that runs the queue. */
export function requestJobAction(db: Db, id: number, action: JobAction): boolean {
  return db.prepare('UPDATE jobs SET requested = ? WHERE id = ?').run(action, id).changes > 0;
}

/** Requests left by other processes, cleared as they are taken. */
export function takeJobRequests(db: Db): { id: number; action: JobAction }[] {
  return db
    .transaction(() => {
      const rows = db.prepare('SELECT id, requested AS action FROM jobs WHERE requested IS NOT NULL ORDER BY id').all() as {
        id: number;
        action: JobAction;
      }[];
      if (rows.length) db.prepare('UPDATE jobs SET requested = NULL WHERE requested IS NOT NULL').run();
      return rows;
    })
    .immediate();
}

/** Changes a job's recorded state directly (no process is running the queue). */
export function setJobState(db: Db, id: number, state: JobState, error: string | null = null): void {
  db.prepare(
    `UPDATE jobs SET state = ?, requested = NULL, error = coalesce(?, error),
       finished_at = CASE WHEN ? IN ('done', 'failed', 'cancelled') THEN ? ELSE finished_at END WHERE id = ?`,
  ).run(state, error, state, nowIso(), id);
}
