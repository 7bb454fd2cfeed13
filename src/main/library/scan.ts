// Indexing: adding folders to the library and bringing the library in line with what is on disk.
// Incremental: a path whose size and mtime are unchanged is not read again. Content identity:
// a moved, renamed or copied photo keeps its id and everything computed for it.
import { availableParallelism } from 'node:os';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Core } from '../core';
import { eachConcurrently } from '../util/concurrently';
import { ProgressTracker, throwIfCancelled, type ProgressSink } from '../util/progress';
import {
  folderByPath,
  folderRows,
  insertFolder,
  insertPhoto,
  knownFiles,
  knownProblems,
  linkFile,
  markFolderScanned,
  photoIdByHash,
  recordProblem,
  removeMissing,
  setFolderStatus,
  type FileLocation,
  type FolderRow,
} from '../store/library';
import { analysePhoto, readPhotoFile } from './ingest';
import { describeFsError, walkPhotos, type FoundFile, type Refusal } from './walk';
import { placeRefusal, realPathOr } from './places';
import { DECODER_VERSION, DecodeError } from './decode';
import { modelInputSizes } from './inputSizes';
import { removeRenditions } from './thumbnails';
import { regroupAfterScan } from './stacks';

export interface ScanSummary {
  /** Photos new to the library. */
  added: number;
  /** Known paths whose content changed. */
  updated: number;
  /** New paths for content already in the library (moved, renamed or copied files). */
  moved: number;
  /** Photos that left the library because none of their paths exists any more. */
  removed: number;
  unchanged: number;
  /** Files that could not be read or decoded (each recorded with its reason). */
  failed: number;
  /** Library folders that could not be reached (left as they were, marked offline). */
  offline: string[];
}

export interface ScanOptions {
  onProgress?: ProgressSink;
  signal?: AbortSignal;
  /** Photos decoded at once; defaults to twice the cores (sharp runs on libuv's thread pool). */
  concurrency?: number;
}

export class FolderError extends Error {}

/**
 * Adds a folder to the library (without scanning it). A folder inside a library folder is already
 * covered. System folders and pseudo-filesystems (/proc, /sys, C:\Windows…) and Likeness's own
 * data folder are refused, saying why.
 */
export async function addFolder(core: Core, path: string): Promise<FolderRow> {
  const absolute = resolve(path);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    throw new FolderError(`cannot add ${absolute}: ${describeFsError(error)}`);
  }
  if (!info.isDirectory()) throw new FolderError(`cannot add ${absolute}: not a folder`);
  // The real path (/etc is /private/etc on macOS) and the given one (/proc/self/cwd leads anywhere).
  const refuse = libraryRefusal(core);
  const refused = refuse(realPathOr(absolute)) ?? refuse(absolute);
  if (refused) throw new FolderError(`cannot add ${absolute}: ${refused}`);
  const existing = folderByPath(core.db, absolute);
  if (existing) return existing;
  const parent = folderRows(core.db).find((f) => absolute.startsWith(f.path.endsWith(sep) ? f.path : f.path + sep));
  if (parent) return parent;
  return insertFolder(core.db, absolute, sep);
}

/** What a scan or the watcher never enters, by real path: system folders, pseudo-filesystems, our data folder. */
export function libraryRefusal(core: Core): Refusal {
  const dataDir = realPathOr(core.dataDir.root);
  return (realPath) => placeRefusal(realPath, dataDir, sep);
}

/** How many photos a scan or sync reads at once. */
export function readConcurrency(options: ScanOptions): number {
  return options.concurrency ?? Math.max(2, availableParallelism() * 2);
}

/** Adds the given folders (if new) and scans them; with no folders, re-scans every library folder. */
export async function indexFolders(core: Core, paths: string[], options: ScanOptions = {}): Promise<ScanSummary> {
  const folders = paths.length > 0 ? await Promise.all(paths.map((p) => addFolder(core, p))) : folderRows(core.db);
  const unique = [...new Map(folders.map((f) => [f.id, f])).values()];
  return scanFolders(core, unique, options);
}

interface FolderWork {
  folder: FolderRow;
  found: FoundFile[];
  /** Sub-folders that could not be read this time: what is known under them is kept. */
  unreadableDirs: string[];
  /** Linked folders and files not entered (their problem rows stand; nothing under them is kept). */
  skipped: string[];
  /** Files found by the walk that were gone by the time they were read. */
  vanished: Set<string>;
  known: ReturnType<typeof knownFiles>;
  problems: ReturnType<typeof knownProblems>;
}

export async function scanFolders(core: Core, folders: FolderRow[], options: ScanOptions = {}): Promise<ScanSummary> {
  const summary: ScanSummary = { added: 0, updated: 0, moved: 0, removed: 0, unchanged: 0, failed: 0, offline: [] };
  const { signal } = options;
  const refuse = libraryRefusal(core);
  const progress = new ProgressTracker(options.onProgress ?? (() => {}), 0);
  progress.update(0, 'looking for photos', true);

  const work: FolderWork[] = [];
  for (const folder of folders) {
    throwIfCancelled(signal);
    if (!(await isReachable(folder.path))) {
      // An unplugged drive or unmounted share: keep its photos, say it is offline.
      setFolderStatus(core.db, folder.id, 'offline');
      summary.offline.push(folder.path);
      continue;
    }
    const walked = await walkPhotos(folder.path, signal, refuse);
    throwIfCancelled(signal);
    for (const entry of walked.unreadable) {
      recordProblem(core.db, { path: entry.path, folderId: folder.id, bytes: 0, mtimeMs: 0 }, `could not be read: ${entry.reason}`, DECODER_VERSION);
    }
    for (const entry of walked.skipped) {
      recordProblem(core.db, { path: entry.path, folderId: folder.id, bytes: 0, mtimeMs: 0 }, `not read: ${entry.reason}`, DECODER_VERSION);
    }
    work.push({
      folder,
      found: walked.files,
      unreadableDirs: walked.unreadable.map((u) => u.path),
      skipped: walked.skipped.map((u) => u.path),
      vanished: new Set(),
      known: knownFiles(core.db, folder.id),
      problems: knownProblems(core.db, folder.id, DECODER_VERSION),
    });
  }
  progress.total = work.reduce((n, w) => n + w.found.length, 0);

  const inputSizes = modelInputSizes(core.db);
  const concurrency = readConcurrency(options);
  let done = 0;
  for (const { folder, found, known, problems, vanished } of work) {
    const queue = found.filter((file) => {
      const k = known.get(file.path);
      const p = problems.get(file.path);
      if (k && k.bytes === file.bytes && k.mtimeMs === file.mtimeMs) {
        summary.unchanged++;
      } else if (p && p.bytes === file.bytes && p.mtimeMs === file.mtimeMs) {
        summary.failed++; // still the same broken file: its recorded reason stands
      } else {
        return true;
      }
      done++;
      return false;
    });
    progress.update(done);
    await eachConcurrently(
      queue,
      concurrency,
      async (file) => {
        const outcome = await ingestOne(core, folder, file, known.get(file.path)?.photoId, inputSizes);
        if (outcome === 'vanished') vanished.add(file.path);
        else summary[outcome]++;
        progress.update(++done);
      },
      signal,
    );
    throwIfCancelled(signal);
  }

  // Removal waits until every folder is scanned, so a photo moved from one library folder to
  // another is found at its new path before its old one is forgotten: it keeps its id.
  // Only a complete walk of a reachable folder may remove anything.
  for (const { folder, found, known, problems, vanished, unreadableDirs, skipped } of work) {
    if (!(await isReachable(folder.path))) {
      // The drive went away during the scan: what looked deleted is only out of reach.
      setFolderStatus(core.db, folder.id, 'offline');
      summary.offline.push(folder.path);
      continue;
    }
    const seen = new Set(found.map((f) => f.path).filter((path) => !vanished.has(path)));
    for (const dir of unreadableDirs) seen.add(dir);
    const underUnreadable = (path: string) => unreadableDirs.some((dir) => path.startsWith(dir + sep));
    const goneFiles = [...known].filter(([path]) => !seen.has(path) && !underUnreadable(path)).map(([, k]) => k.id);
    const goneProblems = [...problems.keys()].filter((path) => !seen.has(path) && !skipped.includes(path) && !underUnreadable(path));
    const removedHashes = removeMissing(core.db, goneFiles, goneProblems);
    summary.removed += removedHashes.length;
    await removeRenditions(core, removedHashes);
    markFolderScanned(core.db, folder.id);
  }
  regroupAfterScan(core.db, summary.added + summary.updated + summary.moved + summary.removed);
  progress.update(done, 'done', true);
  return summary;
}

export async function isReachable(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isDirectory()) return false;
    // An unmounted mount point is an empty folder: treat it as offline rather than as "everything deleted".
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}

export type Outcome = 'added' | 'updated' | 'moved' | 'unchanged' | 'failed' | 'vanished';

export async function ingestOne(
  core: Core,
  folder: FolderRow,
  file: FoundFile,
  previousPhotoId: number | undefined,
  inputSizes: readonly number[],
): Promise<Outcome> {
  let location: FileLocation = { path: file.path, folderId: folder.id, bytes: file.bytes, mtimeMs: file.mtimeMs };
  try {
    const read = await readPhotoFile(file.path);
    location = { ...location, bytes: read.bytes, mtimeMs: read.mtimeMs };
    const existing = photoIdByHash(core.db, read.contentHash);
    if (existing !== undefined) {
      linkFile(core.db, existing, location);
      if (previousPhotoId === undefined) return 'moved';
      return previousPhotoId === existing ? 'unchanged' : 'updated';
    }
    const analysed = await analysePhoto(read, inputSizes);
    // The thumbnail is named by content, written atomically, before the row that refers to it commits.
    const thumbPath = core.dataDir.thumbnailPath(read.contentHash);
    await mkdir(dirname(thumbPath), { recursive: true });
    const tmp = `${thumbPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, analysed.thumbnail);
    await rename(tmp, thumbPath);
    try {
      insertPhoto(core.db, analysed.photo, location);
    } catch (error) {
      // The same content reached through another path at the same moment: one photo, two paths.
      const raced = photoIdByHash(core.db, read.contentHash);
      if (raced === undefined) throw error;
      linkFile(core.db, raced, location);
      return previousPhotoId === undefined ? 'moved' : 'updated';
    }
    return previousPhotoId === undefined ? 'added' : 'updated';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'vanished';
    const reason = error instanceof DecodeError ? error.message : describeFsError(error);
    recordProblem(core.db, location, reason, DECODER_VERSION);
    return 'failed';
  }
}
