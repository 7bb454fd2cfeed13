// Finding the photo files under a folder: recursive, following symbolic links to folders once
// (a link loop is visited only once), skipping hidden folders and unreadable corners, and never
// entering a place the caller refuses (system folders, Likeness's own data folder: library/places).
import { opendir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { looksLikePhoto } from './formats';

export interface FoundFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: FoundFile[];
  /** Folders or entries that could not be read, with the reason (shown, never fatal). */
  unreadable: { path: string; reason: string }[];
  /** Folders and linked files not entered because `refuse` gave a reason. */
  skipped: { path: string; reason: string }[];
}

/** Why the folder or file at this real path is not to be read, or null. */
export type Refusal = (realPath: string) => string | null;

export async function walkPhotos(root: string, signal?: AbortSignal, refuse: Refusal = () => null): Promise<WalkResult> {
  const files: FoundFile[] = [];
  const unreadable: WalkResult['unreadable'] = [];
  const skipped: WalkResult['skipped'] = [];
  const visited = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    if (signal?.aborted) break;
    const dir = pending.pop()!;
    try {
      const real = await realpath(dir);
      if (visited.has(real)) continue;
      visited.add(real);
      const refused = refuse(real);
      if (refused) {
        skipped.push({ path: dir, reason: refused });
        continue;
      }
      const handle = await opendir(dir);
      for await (const entry of handle) {
        if (entry.name.startsWith('.')) continue; // .git, .thumbnails, .DS_Store, ._resource forks
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          pending.push(path);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          if (!entry.isSymbolicLink() && !looksLikePhoto(entry.name)) continue;
          try {
            const info = await stat(path);
            const refused = !info.isDirectory() && entry.isSymbolicLink() && looksLikePhoto(entry.name) ? refuse(await realpath(path)) : null;
            if (refused) skipped.push({ path, reason: refused });
            else if (info.isDirectory()) pending.push(path);
            else if (info.isFile() && looksLikePhoto(entry.name)) files.push({ path, bytes: info.size, mtimeMs: Math.trunc(info.mtimeMs) });
          } catch (error) {
            const dangling = entry.isSymbolicLink() && (error as NodeJS.ErrnoException).code === 'ENOENT';
            unreadable.push({ path, reason: dangling ? 'symbolic link to nothing' : describeFsError(error) });
          }
        }
      }
    } catch (error) {
      unreadable.push({ path: dir, reason: describeFsError(error) });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, unreadable, skipped };
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file or folder no longer exists';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EISDIR':
      return 'is a folder';
    case 'EIO':
      return 'input/output error (disk or network problem)';
    default:
      return (error as Error)?.message ?? String(error);
  }
}
