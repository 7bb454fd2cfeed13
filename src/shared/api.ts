// The one API contract between the renderer (or any client) and the Likeness core.
// Requests are validated with these schemas at every transport boundary (Electron IPC and
// `likeness serve`); response and event types are plain TypeScript. The renderer imports only
// this file, never anything from src/main.
import { z } from 'zod';

export const PhotoId = z.number().int().positive();
export type PhotoId = z.infer<typeof PhotoId>;

// ---------- data shapes returned by the core ----------

export interface PhotoSummary {
  id: PhotoId;
  /** File name of the photo's first path (no directory): for alt text and captions. */
  name: string;
  folderId: number | null;
  /** ISO 8601 date taken from EXIF, or null when the photo carries none. */
  takenAt: string | null;
  width: number;
  height: number;
}

export interface PhotoDetail extends PhotoSummary {
  /** Every path at which this content was found (the same file reached by two paths is one photo). */
  paths: string[];
  format: string;
  bytes: number;
  cameraMake: string | null;
  cameraModel: string | null;
  gps: { latitude: number; longitude: number } | null;
  orientation: number;
  addedAt: string;
  lensModel: string | null;
  /** Every file of the shot: this photo's own paths first, then the RAW files stacked with it. */
  files: { photoId: PhotoId; path: string; format: string }[];
  /** The burst this photo belongs to (its lowest photo id), or null. */
  burstId: PhotoId | null;
}

export interface Folder {
  id: number;
  path: string;
  status: 'online' | 'offline';
  photoCount: number;
  lastScanAt: string | null;
}

/** A directory below a library folder that holds photos (directly or further down). */
export interface Subfolder {
  folderId: number;
  path: string;
  /** The directory's own name (the last part of its path). */
  name: string;
  /** 1 for a directory directly in the library folder, 2 below that, … */
  depth: number;
  /** Photos with a file in it or below it. */
  photoCount: number;
}

export interface FileProblem {
  path: string;
  reason: string;
  at: string;
}

export interface ModelVersion {
  id: number;
  createdAt: string;
  status: 'training' | 'ready' | 'active' | 'failed' | 'retired';
  backend: string | null;
  device: string | null;
  inputSize: number;
  embeddingDim: number;
  photosSeen: number;
  steps: number;
  durationMs: number;
  /** How it was trained, in a few words: "fast · continued from #1 · weight decay 1". */
  recipe: string;
  /** Why the version is not active, when a quality gate refused it. */
  note: string | null;
}

/** Which backend training uses (the saved choice, what it resolves to here) and the GPU seen, if any. */
export interface TrainingBackend {
  setting: 'auto' | 'webgpu' | 'wasm' | 'cpu' | 'tensorflow';
  uses: string;
  reason: string;
  adapter: { vendor: string; architecture: string; device: string; description: string; software: boolean; api: string } | null;
}

export interface LossPoint {
  step: number;
  loss: number;
  globalMi: number;
  localMi: number;
  prior: number;
}

export interface LibraryStatus {
  dataDir: string;
  photos: number;
  folders: number;
  problems: number;
  embedded: number;
  activeModel: ModelVersion | null;
}

/**
 * What ranked a Find similar answer: the active model's embeddings ('learned'), or — before the
 * first model exists, or for a photo it has not embedded yet — the stored pixel signature, a quick
 * match that needs no training ('pixels').
 */
export type SimilarSignal = 'learned' | 'pixels';

export interface SimilarPhoto {
  photo: PhotoSummary;
  /** Cosine similarity in [-1, 1]; higher is more similar. For a copy, the pixel correlation that made it one. */
  score: number;
  signal: SimilarSignal;
  /** A copy of the query (resized, recompressed, grey, turned, letterboxed or captioned): copies come first. */
  copy: boolean;
  /** The photo the query was cropped from (or a copy of it): first too, after the copies. */
  uncropped: boolean;
}

/** What Likeness does by itself: the first model after photos arrive, and overnight retraining. */
export interface Automation {
  firstModel: { enabled: boolean; maxMinutes: number };
  overnight: {
    enabled: boolean;
    /** Local hours of the nightly window. */
    startHour: number;
    endHour: number;
    /** ISO time the next window opens (null when off); inside a window, the current one's start. */
    nextWindowStartsAt: string | null;
    inWindow: boolean;
    /** Why this running Likeness will not retrain although the setting is on, e.g. "it was started with …" (null when it will). */
    heldBack: string | null;
  };
}

export interface Cluster {
  id: number;
  name: string | null;
  size: number;
  representatives: PhotoSummary[];
}

export interface DuplicateGroup {
  id: number;
  /** 'copies': one picture stored more than once; 'similar': different shots of one scene. */
  kind: 'copies' | 'similar';
  photos: PhotoSummary[];
  /** The photo suggested to keep: for copies the largest, then oldest; for similar shots the sharpest. */
  keeperId: PhotoId;
}

/** One file of a duplicate resolve, as previewed: moved to the system trash, kept, or left with a reason. */
export interface ResolveFile {
  groupId: number;
  photoId: PhotoId;
  path: string;
  action: 'trash' | 'keep' | 'skip';
  reason: string | null;
}

export interface ResolveOutcome {
  trashed: string[];
  skipped: { path: string; reason: string }[];
}

export interface UndoOutcome {
  /** False when there was no resolve to undo. */
  undone: boolean;
  restored: string[];
  failed: { path: string; reason: string }[];
}

export type JobKind = 'scan' | 'train' | 'embed' | 'cluster' | 'duplicates';
export type JobState = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface Job {
  id: number;
  kind: JobKind;
  state: JobState;
  done: number;
  total: number;
  /** Items per second over the recent past, or null before there is a rate. */
  rate: number | null;
  etaSeconds: number | null;
  message: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

// ---------- requests ----------

export const requestSchemas = {
  status: z.object({}).strict(),
  listPhotos: z
    .object({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(5000).default(200),
      folderId: z.number().int().positive().optional(),
      /** Only photos with a file in this directory or below it (a library folder or one of its subfolders). */
      under: z.string().min(1).max(4096).optional(),
      sort: z.enum(['taken', 'added', 'name']).default('taken'),
      order: z.enum(['asc', 'desc']).default('desc'),
    })
    .strict(),
  getPhoto: z.object({ id: PhotoId }).strict(),
  /** Why the photo's image cannot be shown (asked by the viewer after it failed to load). */
  photoProblem: z.object({ id: PhotoId }).strict(),
  findSimilar: z.object({ id: PhotoId, k: z.number().int().min(1).max(500).default(20) }).strict(),
  /** The query and its k nearest neighbours as one PNG, each captioned with its score (the seed article's figure). */
  similarSheet: z.object({ id: PhotoId, k: z.number().int().min(1).max(24).default(9) }).strict(),
  listFolders: z.object({}).strict(),
  listSubfolders: z.object({}).strict(),
  addFolder: z.object({ path: z.string().min(1).max(4096) }).strict(),
  removeFolder: z.object({ id: z.number().int().positive() }).strict(),
  listProblems: z.object({ limit: z.number().int().min(1).max(10000).default(500) }).strict(),
  listClusters: z.object({}).strict(),
  clusterPhotos: z.object({ id: z.number().int().positive() }).strict(),
  renameCluster: z.object({ id: z.number().int().positive(), name: z.string().max(200).nullable() }).strict(),
  listDuplicates: z.object({}).strict(),
  /** What resolving these groups would do, file by file (moves nothing). */
  previewResolve: z
    .object({
      groups: z
        .array(z.object({ id: z.number().int().positive(), keeperId: PhotoId }).strict())
        .min(1)
        .max(100000),
    })
    .strict(),
  /** Moves the other photos' files of these groups to the system trash; `confirm` must be true. */
  resolveDuplicates: z
    .object({
      groups: z
        .array(z.object({ id: z.number().int().positive(), keeperId: PhotoId }).strict())
        .min(1)
        .max(100000),
      confirm: z.literal(true),
    })
    .strict(),
  /** Puts the files of the last resolve back from the trash. */
  undoResolve: z.object({}).strict(),
  /** Remembers "not duplicates" or "keep all" for a group (by its photos' content), hiding it from then on. */
  decideDuplicates: z.object({ id: z.number().int().positive(), decision: z.enum(['not-duplicates', 'keep-all']) }).strict(),
  listJobs: z.object({}).strict(),
  cancelJob: z.object({ id: z.number().int().positive() }).strict(),
  pauseJob: z.object({ id: z.number().int().positive() }).strict(),
  resumeJob: z.object({ id: z.number().int().positive() }).strict(),
  train: z
    .object({
      minutes: z
        .number()
        .positive()
        .max(24 * 60)
        .optional(),
      epochs: z.number().positive().max(1000).optional(),
      fromScratch: z.boolean().default(false),
    })
    .strict(),
  listModels: z.object({}).strict(),
  activateModel: z.object({ id: z.number().int().positive() }).strict(),
  lossHistory: z.object({ modelId: z.number().int().positive() }).strict(),
  /** Reads, and with `set` saves, the backend choice for training and embedding. */
  trainingBackend: z.object({ set: z.enum(['auto', 'webgpu', 'wasm', 'cpu', 'tensorflow']).optional() }).strict(),
  /** Reads, and with `set` saves, whether the first model and overnight retraining happen by themselves. */
  automation: z.object({ set: z.object({ firstModel: z.boolean().optional(), overnight: z.boolean().optional() }).strict().optional() }).strict(),
} as const;

export type ApiMethod = keyof typeof requestSchemas;
export type ApiRequest<M extends ApiMethod> = z.input<(typeof requestSchemas)[M]>;
export type ParsedRequest<M extends ApiMethod> = z.output<(typeof requestSchemas)[M]>;

export interface ApiResponses {
  status: LibraryStatus;
  listPhotos: { total: number; photos: PhotoSummary[] };
  getPhoto: PhotoDetail;
  photoProblem: { problem: string | null };
  findSimilar: SimilarPhoto[];
  /** `png` is base64; `fileName` is a suggestion for saving it. */
  similarSheet: { fileName: string; png: string; signal: SimilarSignal };
  listFolders: Folder[];
  listSubfolders: Subfolder[];
  addFolder: { folder: Folder; job: Job };
  removeFolder: { removed: boolean };
  listProblems: FileProblem[];
  listClusters: Cluster[];
  clusterPhotos: PhotoSummary[];
  renameCluster: Cluster;
  listDuplicates: DuplicateGroup[];
  previewResolve: ResolveFile[];
  resolveDuplicates: ResolveOutcome;
  undoResolve: UndoOutcome;
  decideDuplicates: { hidden: boolean };
  listJobs: Job[];
  cancelJob: Job;
  pauseJob: Job;
  resumeJob: Job;
  train: Job;
  listModels: ModelVersion[];
  activateModel: ModelVersion;
  lossHistory: LossPoint[];
  trainingBackend: TrainingBackend;
  automation: Automation;
}

/** What every transport's client offers the renderer. */
export type LikenessApi = {
  [M in ApiMethod]: (request: ApiRequest<M>) => Promise<ApiResponses[M]>;
};

// ---------- events pushed from the core ----------

export type ApiEvent = { type: 'job'; job: Job } | { type: 'library-changed' } | { type: 'loss'; modelId: number; point: LossPoint };

/** Errors cross the boundary as this shape; `code` is stable, `message` is for people. */
export interface ApiError {
  code: 'invalid-request' | 'not-found' | 'unavailable' | 'internal';
  message: string;
}
