// Watching the library folders while the app runs: changes are gathered for a moment (a camera
// import writes hundreds of files at once), then synced in one batch. Watch failures (for example
// the OS limit on watched folders) are reported, and the caller falls back to periodic re-scans.
// Symbolic links are followed as the scanner follows them, but never into a loop, a system folder
// or a pseudo-filesystem (/proc), nor into Likeness's own data folder: chokidar's own loop check
// stops a link to "." only at the OS's ELOOP limit, and a few such links multiply without end.
// A new folder is also listed by the watcher itself once it settles: chokidar reads a new folder
// before it watches it, so a file written in between sends no event (chokidar #1112, #1471).
import { watch, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Core } from '../core';
import { looksLikePhoto } from '../library/formats';
import { isLinkLoop, realPathOr } from '../library/places';
import { isWithin } from '../util/paths';
import { libraryRefusal, type ScanSummary } from '../library/scan';
import { walkPhotos, type Refusal } from '../library/walk';
import { changedPaths, syncPaths } from '../library/sync';
import { folderRows } from '../store/library';

/** A file must stop changing for this long before it is read (copies from a card or a phone). */
const AWAIT_WRITE_MS = 700;

export interface WatcherOptions {
  /** Quiet time after the last change before a batch is synced. */
  settleMs?: number;
  /**
   * How long a deletion waits before it is applied. A move shows up as a deletion at once and as an
   * addition only once the file is stable, so deletions wait for the addition that may follow:
   * then the photo keeps its id.
   */
  removalGraceMs?: number;
  /**
   * Takes over a batch of at least `minFiles` paths (the app queues it as a job, which shows its
   * progress and can be cancelled); smaller batches are synced here at once.
   */
  handOver?: { minFiles: number; run: (paths: string[]) => void };
  /** Called after each batch synced here (new photos can then be embedded). */
  onSynced?: (summary: ScanSummary) => void;
  onError?: (error: Error) => void;
  /** Poll instead of using OS notifications (network shares that do not deliver events). */
  usePolling?: boolean;
}

export class LibraryWatcher {
  private watcher: FSWatcher | null = null;
  private pending = new Set<string>();
  /** New folders to list once they settle (see the header). */
  private newFolders = new Set<string>();
  private refuse: Refusal = () => null;
  private removals = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly core: Core,
    private readonly options: WatcherOptions = {},
  ) {}

  /** Starts (or restarts) watching every library folder. Resolves once the watches are in place. */
  async start(): Promise<void> {
    await this.stop();
    const refuse = (this.refuse = libraryRefusal(this.core));
    // A library folder added before system folders were refused is not watched (nor scanned).
    const roots = folderRows(this.core.db)
      .map((f) => ({ path: f.path, real: realPathOr(f.path) }))
      .filter((root) => refuse(root.real) === null);
    if (roots.length === 0) return;
    const watcher = watch(
      roots.map((root) => root.path),
      {
        ignoreInitial: true,
        usePolling: this.options.usePolling ?? false,
        followSymlinks: true,
        // Wait until a file stops growing (copies from a card), so it is read once, whole.
        awaitWriteFinish: { stabilityThreshold: AWAIT_WRITE_MS, pollInterval: 100 },
        ignored: (path, stats) =>
          basename(path).startsWith('.') || (stats?.isFile() === true && !looksLikePhoto(basename(path))) || notFollowed(path, stats, roots, refuse),
      },
    );
    this.watcher = watcher;
    const changed = (path: string | Error) => typeof path === 'string' && this.queue(path, false);
    const removed = (path: string | Error) => typeof path === 'string' && this.queue(path, true);
    const folderAdded = (path: string | Error) => typeof path === 'string' && this.queueFolder(path);
    watcher.on('add', changed).on('change', changed).on('unlink', removed).on('unlinkDir', removed).on('addDir', folderAdded);
    watcher.on('error', (error) => this.options.onError?.(error as Error));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    // Changes seen before a restart (a scan pauses the watcher) are synced now.
    if (this.pending.size > 0 || this.newFolders.size > 0 || this.removals.size > 0) this.schedule(0);
  }

  async stop(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await watcher?.close();
    await this.syncing;
  }

  /** Resolves when every change seen so far has been synced. */
  async idle(): Promise<void> {
    const busy = () => this.timer !== null || this.pending.size > 0 || this.newFolders.size > 0 || this.removals.size > 0;
    do {
      while (busy()) await new Promise((r) => setTimeout(r, 50));
      await this.syncing;
    } while (busy());
  }

  private queue(path: string, removal: boolean): void {
    if (removal) this.removals.set(path, Date.now());
    else {
      this.pending.add(path);
      this.removals.delete(path);
    }
    this.schedule(this.options.settleMs ?? 500);
  }

  private queueFolder(path: string): void {
    this.newFolders.add(path);
    this.removals.delete(path);
    this.schedule(this.options.settleMs ?? 500);
  }

  /**
   * The photos in new folders that have stopped changing, as chokidar's awaitWriteFinish waits for
   * them. A folder with a file still being written is listed again at the next flush.
   */
  private async listNewFolders(folders: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    // A copied tree announces each of its folders; the outermost listing covers the rest.
    const outermost = folders.filter((f) => !folders.some((other) => other !== f && isWithin(f, other, sep)));
    for (const folder of outermost) {
      const { files } = await walkPhotos(folder, undefined, this.refuse);
      // A file being written has the present as its time; a copy that keeps the original's time sets it at the end.
      const settled = files.filter((f) => Math.abs(Date.now() - f.mtimeMs) >= AWAIT_WRITE_MS);
      found.push(...settled.map((f) => f.path));
      if (settled.length < files.length) this.queueFolder(folder);
    }
    return found;
  }

  private schedule(delayMs: number): void {
    if (!this.watcher) return; // stopped
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), delayMs);
  }

  private flush(): void {
    this.timer = null;
    const grace = this.options.removalGraceMs ?? AWAIT_WRITE_MS + 1500;
    const now = Date.now();
    const due = [...this.removals].filter(([, at]) => now - at >= grace).map(([path]) => path);
    for (const path of due) this.removals.delete(path);
    const batch = [...this.pending, ...due];
    const folders = [...this.newFolders];
    this.pending.clear();
    this.newFolders.clear();
    if (this.removals.size > 0) {
      const oldest = Math.min(...this.removals.values());
      this.schedule(Math.max(50, oldest + grace - now));
    }
    if (batch.length === 0 && folders.length === 0) return;
    this.syncing = this.syncing.then(async () => {
      try {
        // A new folder's files are announced again once stable: those already read are left out.
        const paths = await changedPaths(this.core, [...batch, ...(await this.listNewFolders(folders))]);
        if (paths.length === 0) return;
        const { handOver } = this.options;
        if (handOver && paths.length >= handOver.minFiles) return handOver.run(paths);
        // Not inside onSynced?.(…): with no listener, the argument (the sync itself) would not run.
        const summary = await syncPaths(this.core, paths);
        this.options.onSynced?.(summary);
      } catch (error) {
        this.options.onError?.(error as Error);
      }
    });
  }
}

/**
 * True for a folder or link under a library folder that the watcher must not enter: a loop back
 * to where it is reached from, or a refused place. Only a path with a link on its way can loop,
 * so the ancestors' real paths are looked up only then.
 */
export function notFollowed(path: string, stats: Stats | undefined, roots: readonly { path: string; real: string }[], refuse: Refusal): boolean {
  if (!stats || !(stats.isDirectory() || stats.isSymbolicLink())) return false;
  const root = roots.find((r) => isWithin(path, r.path, sep));
  if (!root || path === root.path) return false;
  const real = realPathOr(path);
  if (refuse(real) !== null) return true;
  return real !== join(root.real, relative(root.path, path)) && isLinkLoop(path, root.path, sep, realPathOr);
}
