// What the CLI and the API service call for find-similar, clusters and near-duplicates: one code
// path for both. Embeddings come from the active model; the in-memory index is rebuilt only when
// the triggers' change counter says that model's embeddings changed.
import { copyFile, mkdir, stat, symlink } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Cluster, DuplicateGroup } from '../../shared/api';
import type { Core } from '../core';
import type { ProgressSink } from '../util/progress';
import { changeGeneration, embeddingsCounter, photosCounter } from '../store/changeCounters';
import {
  clusterById,
  clusterMemberIds,
  clusterMemberships,
  clustersOf,
  latestClustering,
  saveClustering,
  setClusterName,
  type ClusteringRow,
} from '../store/clusters';
import type { Db } from '../store/db';
import { duplicateGroupOfPhoto, keeperFacts, readDuplicateGroups, saveDuplicateGroups, type DuplicateGroupRow } from '../store/duplicates';
import { readEmbeddings } from '../store/embeddings';
import { stacksAndBursts } from '../store/stacks';
import { readSnapshot, writeSnapshot } from './embeddingSnapshot';
import { readModelInputs } from '../store/modelInputs';
import { activeModel } from '../store/models';
import { differenceHashes, photoPaths, photoSummaries } from '../store/photos';
import { clusterEmbeddings, defaultMinClusterSize, matchClusters, MIN_SAMPLES, pickRepresentatives, type ClusteringResult } from './clustering';
import { EmbeddingIndex } from './knn';
import { loadPixelSignatures } from './pixelSignatures';
import { modelInputSizes } from '../library/inputSizes';
import { splitByKind, type KindedGroup } from './duplicateKinds';
import { DUPLICATE_RULE_VERSION, findDuplicateGroups, type DuplicateAnalysis, type DuplicateSignals } from './nearDuplicates';

export class SearchError extends Error {
  constructor(
    readonly code: 'not-found' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'SearchError';
  }
}

export interface SimilarResult {
  photoId: number;
  score: number;
  /** A copy of the query (copies.ts), put first whatever its score. */
  copy?: boolean;
  /** The query is a crop of this photo (crops.ts): put first as copies are. */
  uncropped?: boolean;
}

export interface ActiveIndex {
  modelId: number;
  inputSize: number;
  generation: number;
  index: EmbeddingIndex;
}

const indexCache = new WeakMap<Db, ActiveIndex>();

function requireActiveModel(core: Core): { id: number; inputSize: number } {
  const model = activeModel(core.db);
  if (!model) throw new SearchError('unavailable', 'no trained model yet: train one first (likeness train)');
  return { id: model.id, inputSize: model.inputSize };
}

/** The active model's embeddings as an index, rebuilt only when they changed. */
export function activeIndex(core: Core): ActiveIndex {
  const model = requireActiveModel(core);
  const generation = changeGeneration(core.db, embeddingsCounter(model.id));
  const cached = indexCache.get(core.db);
  if (cached && cached.modelId === model.id && cached.generation === generation) return cached;
  let matrix = readSnapshot(core, model.id, generation);
  if (!matrix) {
    // The rows and their generation from one read transaction, so the snapshot is named truly.
    const read = core.db.transaction(() => ({
      generation: changeGeneration(core.db, embeddingsCounter(model.id)),
      matrix: readEmbeddings(core.db, model.id),
    }))();
    matrix = read.matrix;
    if (read.generation === generation) writeSnapshot(core, model.id, generation, matrix);
  }
  const { photoIds, vectors, dim } = matrix;
  const fresh = { modelId: model.id, inputSize: model.inputSize, generation, index: new EmbeddingIndex(photoIds, vectors, dim) };
  indexCache.set(core.db, fresh);
  return fresh;
}

/** The k photos most similar to a library photo, best first, itself excluded. */
export function findSimilar(core: Core, photoId: number, k: number): SimilarResult[] {
  const { index } = activeIndex(core);
  if (index.rowOfPhoto(photoId) === undefined) {
    const known = photoSummaries(core.db, [photoId]).length > 0;
    throw new SearchError(
      known ? 'unavailable' : 'not-found',
      known ? `photo ${photoId} has no embedding yet (run likeness embed)` : `photo ${photoId} not found`,
    );
  }
  return index.searchPhoto(photoId, k).map((n) => ({ photoId: index.photoIds[n.row]!, score: n.score }));
}

// ---------------- clusters ----------------

export interface ClusterOptions {
  minClusterSize?: number;
  /** Finest clusters ('leaf') instead of HDBSCAN's usual choice ('eom'). */
  selection?: 'eom' | 'leaf';
  /** Recompute even if the stored clustering is up to date. */
  force?: boolean;
  onProgress?: ProgressSink;
  signal?: AbortSignal;
}

/** Either the stored clustering, up to date, or what computing a new one takes and how to save it. */
export type ClusteringPlan =
  | { current: ClusteringRow }
  | {
      current: null;
      index: EmbeddingIndex;
      compute: { minClusterSize?: number; selection?: 'eom' | 'leaf' };
      /** Writes a computed clustering (one transaction), carrying names and ids over. */
      save: (result: ClusteringResult) => ClusteringRow;
    };

/** Decides whether the active model's clustering must be computed (none yet, or the embeddings or choices changed). */
export function planClustering(core: Core, options: Pick<ClusterOptions, 'minClusterSize' | 'selection' | 'force'> = {}): ClusteringPlan {
  // Whether the stored clustering is current needs only the counter: the index is read only to recompute.
  const model = requireActiveModel(core);
  const stored = latestClustering(core.db, model.id);
  // A clustering made with another core-distance neighbour (before MIN_SAMPLES was 1) is redone once.
  const sameParams =
    (options.minClusterSize === undefined || stored?.params.minClusterSize === options.minClusterSize) &&
    (options.selection === undefined || (stored?.params.selection ?? 'eom') === options.selection) &&
    (stored?.params.minSamples ?? MIN_SAMPLES) === MIN_SAMPLES;
  if (stored && !options.force && sameParams && stored.generation === changeGeneration(core.db, embeddingsCounter(model.id)))
    return { current: stored };
  const active = activeIndex(core);
  // A recomputation keeps the choices of the stored clustering unless told otherwise. Its smallest
  // cluster is a choice only when it is not the default for the photos it was computed on (else a
  // library that grew from a first folder of 80 photos to 10,000 would keep clusters of 5).
  const storedSize = stored?.params.minClusterSize as number | undefined;
  const compute = {
    minClusterSize: options.minClusterSize ?? (stored && storedSize !== defaultMinClusterSize(stored.photoCount) ? storedSize : undefined),
    selection: options.selection ?? (stored?.params.selection as 'eom' | 'leaf' | undefined),
  };
  const save = (result: ClusteringResult): ClusteringRow => {
    const previous = stored ?? latestClustering(core.db);
    const previousClusters = previous ? clusterMemberships(core.db, previous.id) : [];
    const matches = matchClusters(previousClusters, result.clusters);
    const reuseIds = previous?.modelId === active.modelId;
    return saveClustering(
      core.db,
      active.modelId,
      active.generation,
      { ...result.params },
      active.index.size,
      result.clusters.map((c, i) => ({ ...c, id: reuseIds ? (matches[i]?.id ?? null) : null, name: matches[i]?.name ?? null })),
    );
  };
  return { current: null, index: active.index, compute, save };
}

/**
 * The active model's clustering, computed (on this thread) if there is none or the embeddings changed since.
 * Names (and, for the same model, ids) of clusters whose membership mostly stays carry over.
 */
export function currentClustering(core: Core, options: ClusterOptions = {}): ClusteringRow {
  const plan = planClustering(core, options);
  if (plan.current) return plan.current;
  return plan.save(clusterEmbeddings(plan.index, { ...plan.compute, onProgress: options.onProgress, signal: options.signal }));
}

/** `groupOf`: the stored near-duplicate groups, so that a cluster shows other shots than one picture's copies. */
function toApiCluster(
  core: Core,
  row: { id: number; name: string | null; size: number; representatives: number[] },
  groupOf = duplicateGroupOfPhoto(core.db),
): Cluster {
  return { id: row.id, name: row.name, size: row.size, representatives: photoSummaries(core.db, pickRepresentatives(row.representatives, groupOf)) };
}

export function listClusters(core: Core, options: ClusterOptions = {}): Cluster[] {
  return clustersOfClustering(core, currentClustering(core, options).id);
}

export function clustersOfClustering(core: Core, clusteringId: number): Cluster[] {
  const groupOf = duplicateGroupOfPhoto(core.db);
  return clustersOf(core.db, clusteringId).map((c) => toApiCluster(core, c, groupOf));
}

/** Member photo ids of a cluster, closest to its centre first. */
export function clusterPhotoIds(core: Core, clusterId: number): number[] {
  if (!clusterById(core.db, clusterId)) throw new SearchError('not-found', `cluster ${clusterId} not found`);
  return clusterMemberIds(core.db, clusterId);
}

export function renameCluster(core: Core, clusterId: number, name: string | null): Cluster {
  const trimmed = name?.trim() || null;
  if (!setClusterName(core.db, clusterId, trimmed)) throw new SearchError('not-found', `cluster ${clusterId} not found`);
  return toApiCluster(core, clusterById(core.db, clusterId)!);
}

export type ExportMode = 'link' | 'copy';

/**
 * Writes a cluster as an album: a new folder of symbolic links to (or copies of) its photos'
 * files. Originals are only ever read. Existing files in the folder are left alone; a name that is
 * taken gets a numeric suffix.
 */
export async function exportCluster(
  core: Core,
  clusterId: number,
  destination: string,
  mode: ExportMode,
): Promise<{ folder: string; written: number; skipped: number }> {
  const ids = clusterPhotoIds(core, clusterId);
  const folder = resolve(destination);
  const root = core.dataDir.root;
  if (folder === root || folder.startsWith(root + '/')) throw new SearchError('unavailable', 'cannot export into Likeness’s own data folder');
  await mkdir(folder, { recursive: true });
  let written = 0;
  let skipped = 0;
  const used = new Set<string>();
  for (const id of ids) {
    const source = photoPaths(core.db, id).find(Boolean);
    if (!source) {
      skipped++;
      continue;
    }
    const ext = extname(source);
    const stem = basename(source, ext);
    let name = `${stem}${ext}`;
    for (let n = 2; used.has(name) || (await exists(join(folder, name))); n++) name = `${stem}-${n}${ext}`;
    used.add(name);
    try {
      if (mode === 'link') await symlink(source, join(folder, name));
      else await copyFile(source, join(folder, name), 1 /* COPYFILE_EXCL: never overwrite */);
      written++;
    } catch {
      skipped++;
    }
  }
  return { folder, written, skipped };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

// ---------------- near-duplicates ----------------

/** Either the stored near-duplicate groups, up to date, or what finding them takes and how to save them. */
export type DuplicatesPlan =
  | { current: DuplicateGroupRow[] }
  | {
      current: null;
      signals: DuplicateSignals;
      photoIds: number[];
      /** Size of the stored model inputs the pixel signatures are read from. */
      pixelInputSize: number;
      /** Chooses keepers and writes the groups (one transaction). */
      save: (analysis: DuplicateAnalysis) => DuplicateGroupRow[];
    };

/**
 * The pixel signatures are read only with `loadPixels` (~0.25 ms a photo, half a minute of main thread
 * at 100k photos): a request that only asks whether the stored groups are current must not pay for
 * them, and a worker thread reads them from the database itself.
 */
export function planDuplicates(core: Core, options: { loadPixels?: boolean } = {}): DuplicatesPlan {
  const model = activeModel(core.db);
  const generation = model ? changeGeneration(core.db, embeddingsCounter(model.id)) : 0;
  const fingerprint = `rule:${DUPLICATE_RULE_VERSION};photos:${changeGeneration(core.db, photosCounter)};` + `model:${model?.id ?? 0}:${generation}`;
  const groups = readDuplicateGroups(core.db, fingerprint);
  if (groups) return { current: groups };
  const active = model ? activeIndex(core) : null;
  const { photoIds, hashes } = differenceHashes(core.db);
  const hashMap = new Map(photoIds.map((id, i) => [id, new Uint8Array(hashes[i]!)]));
  const allIds = [...new Set([...photoIds, ...(active?.index.photoIds ?? [])])];
  // The pixel signal reads the smallest stored model input (all photos have the configured size).
  const pixelInputSize = modelInputSizes(core.db)[0]!;
  const save = (analysis: DuplicateAnalysis) =>
    saveDuplicateGroups(core.db, fingerprint, kindedGroups(core, analysis.groups, pixelInputSize, stacksOf(core, analysis.groups.flat())));
  const pixels = options.loadPixels ? loadPixelSignatures(core.db, pixelInputSize, allIds) : null;
  return { current: null, signals: { index: active?.index ?? null, hashes: hashMap, pixels }, photoIds: allIds, pixelInputSize, save };
}

/** Photo id → its RAW+JPEG stack (the stack's face), for the photos in stacks: one shot, never duplicates of each other. */
function stacksOf(core: Core, photoIds: readonly number[]): Map<number, number> {
  const stacks = new Map<number, number>();
  for (const [id, { stackId }] of stacksAndBursts(core.db, photoIds)) if (stackId !== null) stacks.set(id, stackId);
  return stacks;
}

/** The near-duplicate groups split into copies and similar shots, each with its kind's keeper. */
export function kindedGroups(core: Core, groups: number[][], inputSize: number, stackOf: ReadonlyMap<number, number>): KindedGroup[] {
  const ids = groups.flat();
  const inputs = readModelInputs(core.db, inputSize, ids);
  const facts = new Map(keeperFacts(core.db, ids).map((f) => [f.id, { ...f, input: inputs.get(f.id) ?? null, inputSize }]));
  return splitByKind(groups, facts, stackOf);
}

export function toApiDuplicateGroups(core: Core, groups: DuplicateGroupRow[]): DuplicateGroup[] {
  return groups.map((g) => ({ id: g.id, kind: g.kind, photos: photoSummaries(core.db, g.photoIds), keeperId: g.keeperId }));
}

/** Near-duplicate groups for the library as it is now (found on this thread), with the suggested keeper; cached until photos or embeddings change. */
export function listDuplicateGroups(core: Core, options: { onProgress?: ProgressSink; signal?: AbortSignal } = {}): DuplicateGroup[] {
  return toApiDuplicateGroups(core, currentDuplicateGroups(core, options));
}

/** The same groups as stored rows (photo ids only), for callers that do not show them. */
export function currentDuplicateGroups(core: Core, options: { onProgress?: ProgressSink; signal?: AbortSignal } = {}): DuplicateGroupRow[] {
  const plan = planDuplicates(core, { loadPixels: true });
  return plan.current ?? plan.save(findDuplicateGroups(plan.signals, plan.photoIds, options));
}
