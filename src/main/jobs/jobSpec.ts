// The one description of heavy work (scan, embed, train, cluster, duplicates): what a job does, as
// data. The service queues it, a CLI command hands it to the app's queue or runs it itself
// (jobs/heavy.ts does the work either way), and it is stored as the job's params, so that an
// interrupted job can be started again. Each kind's params are validated here; a train or cluster
// job says which of its variants it is with `mode`.
// Params written by older versions (no `kind`, no `mode`) are still read: see upgradeLegacyParams.
import { z } from 'zod';
import type { JobKind } from '../../shared/api';
import type { BackendChoice } from '../model/backend';
import type { ModelConfig, PresetName } from '../model/config';

const backend = z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const satisfies readonly BackendChoice[]);
const positive = z.number().positive();
const count = z.number().int().positive();

const scan = z.object({
  kind: z.literal('scan'),
  /** Folders to scan; none: every library folder. */
  paths: z.array(z.string().min(1)),
  /**
   * A large batch of the folder watcher's: only these files and folders are brought in line with
   * the disk (library/sync.ts), and `paths` is empty.
   */
  files: z.array(z.string().min(1)).optional(),
});

const embed = z.object({
  kind: z.literal('embed'),
  /** Default: the active model. */
  modelId: count.optional(),
  backend: backend.optional(),
});

/** A retrain: candidate, embedding, quality gate (jobs/retrain.ts). */
const retrain = z.object({
  kind: z.literal('train'),
  mode: z.literal('retrain'),
  message: z.string().min(1),
  options: z.object({ fromScratch: z.boolean().optional(), minutes: positive.optional(), epochs: positive.optional(), backend: backend.optional() }),
  /** ISO time at which the run stops at a checkpoint (the end of the overnight window). */
  deadline: z.iso.datetime({ offset: true }).nullable(),
});

/** `likeness train`: this recipe, made the active version when it finishes (no quality gate). */
const recipe = z.object({
  kind: z.literal('train'),
  mode: z.literal('recipe'),
  message: z.string().min(1),
  recipe: z.object({
    minutes: positive.optional(),
    epochs: positive.optional(),
    maxSteps: count.optional(),
    inputSize: count.optional(),
    width: count.optional(),
    alpha: z.number().nonnegative().optional(),
    beta: z.number().nonnegative().optional(),
    gamma: z.number().nonnegative().optional(),
    preset: z.enum(['reference', 'fast', 'tiny'] as const satisfies readonly PresetName[]).optional(),
    /** Model settings by name, checked by the model's own config when training starts. */
    overrides: z
      .custom<Partial<ModelConfig>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object of model settings')
      .optional(),
    fromScratch: z.boolean().optional(),
    workers: count.optional(),
    seed: z.number().int().optional(),
    backend: backend.optional(),
    checkpointEveryMs: z.number().nonnegative().optional(),
    activate: z.boolean().optional(),
  }),
});

/** The first model of a library, on a budget worked out when it starts (jobs/firstModel.ts). */
const firstModel = z.object({
  kind: z.literal('train'),
  mode: z.literal('first-model'),
});

/** Clusters of the active model, with these settings (`likeness clusters`). */
const clusters = z.object({
  kind: z.literal('cluster'),
  mode: z.literal('clusters'),
  minClusterSize: z.number().int().min(2).optional(),
  selection: z.enum(['eom', 'leaf']).optional(),
  force: z.boolean().optional(),
});

/** Clusters (when there is a model) and near-duplicate groups brought up to date (the app's regrouping). */
const regroup = z.object({
  kind: z.literal('cluster'),
  mode: z.literal('regroup'),
});

const duplicates = z.object({ kind: z.literal('duplicates') });

const jobSpecSchema = z.discriminatedUnion('kind', [
  scan,
  embed,
  z.discriminatedUnion('mode', [retrain, recipe, firstModel]),
  z.discriminatedUnion('mode', [clusters, regroup]),
  duplicates,
]);

export type HeavySpec = z.infer<typeof jobSpecSchema>;

/** Params that are not a job of their kind, saying which and why. */
export class JobSpecError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobSpecError';
  }
}

/**
 * Reads a job's params (as stored, or as another process submitted them) into its spec; throws a
 * JobSpecError naming each wrong field. `kind` is the job's own kind, which the params must match.
 */
export function parseJobSpec(kind: JobKind, params: unknown): HeavySpec {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new JobSpecError(
      kind,
      `${kind} job params must be an object, not ${params === null ? 'null' : Array.isArray(params) ? 'an array' : typeof params}`,
    );
  }
  const raw = params as Record<string, unknown>;
  if (raw.kind !== undefined && raw.kind !== kind) throw new JobSpecError(kind, `${kind} job params describe a ${String(raw.kind)} job`);
  const parsed = jobSpecSchema.safeParse(upgradeLegacyParams(kind, raw));
  if (!parsed.success) {
    const wrong = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
    throw new JobSpecError(kind, `${kind} job params are not valid: ${wrong}`);
  }
  return parsed.data;
}

/**
 * Params as versions before the explicit `mode` stored them, in today's shape. The service kept
 * only what it needed to start a job again (scan: `{ paths }`; retrain: `{ message, options,
 * deadline }`; first model: `{ firstModel: true }`; embed and regrouping: `{}`), and the CLI its
 * spec with `kind` but no `mode` (`likeness train`: `{ recipe }`). Params with a `mode` are today's
 * and pass unchanged.
 */
function upgradeLegacyParams(kind: JobKind, raw: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = { ...raw, kind };
  if (raw.mode !== undefined) return params;
  if (kind === 'train') {
    if (raw.firstModel === true) return { kind, mode: 'first-model' };
    if (typeof raw.recipe === 'object' && raw.recipe !== null)
      return { ...params, mode: 'recipe', message: raw.message ?? 'Training a model version' };
    // What the service restarted such a job with when fields were missing.
    return {
      ...params,
      mode: 'retrain',
      message: raw.message ?? 'Training the model on your photos',
      options: raw.options ?? { epochs: 10 },
      deadline: raw.deadline ?? null,
    };
  }
  // The app's own regrouping stored `{}`; a cluster job the CLI submitted carried its `kind`.
  if (kind === 'cluster') return { ...params, mode: raw.kind === undefined ? 'regroup' : 'clusters' };
  return params;
}
