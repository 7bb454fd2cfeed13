// SQL for model versions and their loss history.
import type { LossPoint, ModelVersion } from '../../shared/api';
import { nowIso, type Db } from './db';

interface ModelRow {
  id: number;
  created_at: string;
  status: ModelVersion['status'];
  config: string;
  backend: string | null;
  device: string | null;
  input_size: number;
  embedding_dim: number;
  photos_seen: number;
  steps: number;
  duration_ms: number;
  parent_id: number | null;
  weights_path: string | null;
  quality: string | null;
  note: string | null;
  activated_at: string | null;
}

function toModel(r: ModelRow): ModelVersion {
  return {
    id: r.id,
    createdAt: r.created_at,
    status: r.status,
    backend: r.backend,
    device: r.device,
    inputSize: r.input_size,
    embeddingDim: r.embedding_dim,
    photosSeen: r.photos_seen,
    steps: r.steps,
    durationMs: r.duration_ms,
    recipe: recipeOf(r),
    note: r.note,
  };
}

/** The recipe in a few words, from the stored config: preset, where training started, what it added. */
function recipeOf(r: ModelRow): string {
  let stored: { model?: { weightDecay?: number }; plan?: { preset?: string } } = {};
  try {
    stored = JSON.parse(r.config) as typeof stored;
  } catch {
    // A config that cannot be read says nothing more than the columns do.
  }
  const parts = [stored.plan?.preset ?? 'custom', r.parent_id === null ? 'from scratch' : `continued from #${r.parent_id}`];
  if (stored.model?.weightDecay) parts.push(`weight decay ${stored.model.weightDecay}`);
  return parts.join(' · ');
}

export function listModels(db: Db): ModelVersion[] {
  return (db.prepare('SELECT * FROM model_versions ORDER BY id DESC').all() as ModelRow[]).map(toModel);
}

export function getModel(db: Db, id: number): ModelVersion | null {
  const row = db.prepare('SELECT * FROM model_versions WHERE id = ?').get(id) as ModelRow | undefined;
  return row ? toModel(row) : null;
}

export function activeModel(db: Db): ModelVersion | null {
  const row = db.prepare("SELECT * FROM model_versions WHERE status = 'active' ORDER BY id DESC LIMIT 1").get() as ModelRow | undefined;
  return row ? toModel(row) : null;
}

/** Makes one version the active one (the one searched and embedded with); the previous becomes 'ready'. */
export function activateModel(db: Db, id: number): ModelVersion {
  const model = getModel(db, id);
  if (!model) throw new Error(`no model version ${id}`);
  if (model.status === 'training' || model.status === 'failed') throw new Error(`model version ${id} is ${model.status}, not usable`);
  db.transaction(() => {
    db.prepare("UPDATE model_versions SET status = 'ready' WHERE status = 'active' AND id <> ?").run(id);
    db.prepare("UPDATE model_versions SET status = 'active', activated_at = ? WHERE id = ?").run(nowIso(), id);
  })();
  return getModel(db, id)!;
}

export function lossHistory(db: Db, modelId: number): LossPoint[] {
  return db
    .prepare('SELECT step, loss, global_mi AS globalMi, local_mi AS localMi, prior FROM loss_history WHERE model_id = ? ORDER BY step')
    .all(modelId) as LossPoint[];
}

export interface NewModel {
  config: unknown;
  inputSize: number;
  embeddingDim: number;
  backend: string;
  device: string;
  parentId: number | null;
  weightsPath: string | null;
}

export function createModel(db: Db, m: NewModel): number {
  const info = db
    .prepare(
      `INSERT INTO model_versions (created_at, status, config, backend, device, input_size, embedding_dim, parent_id, weights_path)
       VALUES (?, 'training', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(nowIso(), JSON.stringify(m.config), m.backend, m.device, m.inputSize, m.embeddingDim, m.parentId, m.weightsPath);
  return Number(info.lastInsertRowid);
}

export interface ModelRecord {
  model: ModelVersion;
  config: unknown;
  weightsPath: string | null;
  parentId: number | null;
  quality: unknown;
}

export function getModelRecord(db: Db, id: number): ModelRecord | null {
  const row = db.prepare('SELECT * FROM model_versions WHERE id = ?').get(id) as ModelRow | undefined;
  if (!row) return null;
  return {
    model: toModel(row),
    config: JSON.parse(row.config),
    weightsPath: row.weights_path,
    parentId: row.parent_id,
    quality: row.quality ? JSON.parse(row.quality) : null,
  };
}

/** The newest version left in 'training' (an interrupted run that can resume from its checkpoint). */
export function interruptedModel(db: Db): ModelVersion | null {
  const row = db.prepare("SELECT * FROM model_versions WHERE status = 'training' ORDER BY id DESC LIMIT 1").get() as ModelRow | undefined;
  return row ? toModel(row) : null;
}

export function recordProgress(
  db: Db,
  id: number,
  p: { photosSeen: number; steps: number; durationMs: number; backend?: string; device?: string },
): void {
  db.prepare(
    'UPDATE model_versions SET photos_seen = ?, steps = ?, duration_ms = ?, backend = coalesce(?, backend), device = coalesce(?, device) WHERE id = ?',
  ).run(p.photosSeen, p.steps, Math.round(p.durationMs), p.backend ?? null, p.device ?? null, id);
}

export function appendLoss(db: Db, id: number, points: readonly LossPoint[]): void {
  const insert = db.prepare('INSERT OR REPLACE INTO loss_history (model_id, step, loss, global_mi, local_mi, prior) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const p of points) insert.run(id, p.step, p.loss, p.globalMi, p.localMi, p.prior);
  })();
}

export function finishModel(
  db: Db,
  id: number,
  f: { status: 'ready' | 'failed'; weightsPath?: string; note?: string | null; quality?: unknown },
): void {
  db.prepare(
    'UPDATE model_versions SET status = ?, weights_path = coalesce(?, weights_path), note = ?, quality = coalesce(?, quality) WHERE id = ?',
  ).run(f.status, f.weightsPath ?? null, f.note ?? null, f.quality === undefined ? null : JSON.stringify(f.quality), id);
}

/** Marks versions left in 'training' (never to be resumed) as failed, saying why. */
export function abandonInterrupted(db: Db, note: string): void {
  db.prepare("UPDATE model_versions SET status = 'failed', note = ? WHERE status = 'training'").run(note);
}
