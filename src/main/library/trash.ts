// Moving files to the platform's trash, finding where they went, and bringing them back.
// The move itself is done by a TrashFunction handed down from the shell: Electron's
// shell.trashItem in the desktop app (only src/main/app may import electron), the `trash` npm
// package in `serve` and the CLI (freedesktop trash on Linux written in plain JS; on macOS and
// Windows small binaries shipped inside the package, nothing downloaded). Neither says where the
// file went, so it is looked up afterwards:
//   Linux (freedesktop trash spec): the home trash ($XDG_DATA_HOME/Trash) or, for a file on another
//     drive, that drive's $topdir/.Trash/$uid or $topdir/.Trash-$uid; each trashed file has an
//     info/<name>.trashinfo whose Path= is the original path. Undo moves files/<name> back and
//     deletes the .trashinfo, as a file manager's "Restore" does.
//   macOS: ~/.Trash/<name> when that file is there (the Finder renames on a clash; then the file
//     is not found and undo says so: restore it from the Trash with "Put Back").
//   Windows: the Recycle Bin keeps its own index; undo says to restore with the Recycle Bin's "Restore".
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, lstat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export interface TrashLocation {
  /** The trashed file, where the platform keeps it; null when it cannot be told. */
  trashPath: string | null;
  /** Its freedesktop .trashinfo (Linux), else null. */
  infoPath: string | null;
}

/**
 * Moves one file to the system trash, or throws. Never deletes. May say where the file went;
 * otherwise it is looked up (findInTrash).
 */
export type TrashFunction = (path: string) => Promise<TrashLocation | void>;

/**
 * The `trash` package (serve and the CLI). Imported on first use: most commands never trash. On
 * Linux it returns [{ path, info }] for each file (not in its typings): used when present, which
 * spares a scan of the trash's info folder per file.
 */
export const packageTrash: TrashFunction = async (path) => {
  const { default: trash } = await import('trash');
  const result = (await trash([path], { glob: false })) as unknown;
  const first = Array.isArray(result) ? (result[0] as { path?: unknown; info?: unknown } | undefined) : undefined;
  if (typeof first?.path === 'string' && typeof first.info === 'string') return { trashPath: first.path, infoPath: first.info };
};

function homeTrash(): string {
  const data = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(data, 'Trash');
}

/** The mount point of a path: the highest ancestor on the same device. */
function mountPointOf(path: string): string {
  let dir = dirname(path);
  const dev = statSync(dir).dev;
  for (;;) {
    const parent = dirname(dir);
    if (parent === dir) return dir;
    try {
      if (statSync(parent).dev !== dev) return dir;
    } catch {
      return dir;
    }
    dir = parent;
  }
}

/** The freedesktop trash directories a file at `path` may have gone to (those that exist). */
export function freedesktopTrashDirs(path: string): string[] {
  const dirs = [homeTrash()];
  try {
    const top = mountPointOf(path);
    const uid = process.getuid?.() ?? 0;
    dirs.push(join(top, '.Trash', String(uid)), join(top, `.Trash-${uid}`));
  } catch {
    // the folder itself is gone: only the home trash can be searched
  }
  return [...new Set(dirs)].filter((d) => existsSync(join(d, 'info')));
}

function trashInfoPath(info: string): string | null {
  const match = /^Path=(.*)$/m.exec(info);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!.trim());
  } catch {
    return null;
  }
}

/**
 * Where a file trashed from `originalPath` is now, or null. Among several trashings of the same
 * path the newest .trashinfo wins (`exclude` skips locations already accounted for).
 */
export function findInTrash(originalPath: string, exclude: ReadonlySet<string> = new Set()): TrashLocation | null {
  if (process.platform === 'darwin') {
    const candidate = join(homedir(), '.Trash', basename(originalPath));
    return existsSync(candidate) && !exclude.has(candidate) ? { trashPath: candidate, infoPath: null } : null;
  }
  if (process.platform === 'win32') return null;
  let best: { location: TrashLocation; at: number } | null = null;
  for (const dir of freedesktopTrashDirs(originalPath)) {
    const infoDir = join(dir, 'info');
    for (const name of readdirSync(infoDir)) {
      if (!name.endsWith('.trashinfo')) continue;
      const infoPath = join(infoDir, name);
      const trashPath = join(dir, 'files', name.slice(0, -'.trashinfo'.length));
      if (exclude.has(trashPath)) continue;
      let text: string;
      try {
        text = readFileSync(infoPath, 'utf8');
      } catch {
        continue;
      }
      // A relative Path= is relative to the drive's top directory (topdir trashes).
      const recorded = trashInfoPath(text);
      const absolute = recorded && !recorded.startsWith('/') ? join(dirname(dirname(dir)), recorded) : recorded;
      if (absolute !== originalPath || !existsSync(trashPath)) continue;
      const at = statSync(infoPath).mtimeMs;
      if (!best || at > best.at) best = { location: { trashPath, infoPath }, at };
    }
  }
  return best?.location ?? null;
}

/**
 * Removes .trashinfo files naming `originalPath` whose file never reached the trash (a kill between
 * the trash writing the info and moving the file; the spec lets readers ignore them, but a file
 * manager would list a ghost). Partial ones, with no Path= at all, are left: they name nobody.
 */
export async function removeOrphanTrashInfo(originalPath: string): Promise<void> {
  if (process.platform === 'darwin' || process.platform === 'win32') return;
  for (const dir of freedesktopTrashDirs(originalPath)) {
    for (const name of readdirSync(join(dir, 'info'))) {
      if (!name.endsWith('.trashinfo') || existsSync(join(dir, 'files', name.slice(0, -'.trashinfo'.length)))) continue;
      const infoPath = join(dir, 'info', name);
      let text: string;
      try {
        text = readFileSync(infoPath, 'utf8');
      } catch {
        continue;
      }
      if (trashInfoPath(text) === originalPath) await rm(infoPath, { force: true });
    }
  }
}

/** Why a trashed file cannot be put back, or null when it can. */
export async function restoreProblem(originalPath: string, location: TrashLocation): Promise<string | null> {
  if (!location.trashPath) {
    return process.platform === 'win32'
      ? 'restore it from the Recycle Bin (Restore): Windows does not say where a file went'
      : 'not found in the trash (emptied, or restored by hand)';
  }
  if (!(await lstat(location.trashPath).catch(() => null))) return 'no longer in the trash (emptied, or restored by hand)';
  if (await lstat(originalPath).catch(() => null)) return 'another file is now at its old place';
  return null;
}

/** Moves a trashed file back to its original path and forgets its .trashinfo. */
export async function restoreFromTrash(originalPath: string, location: TrashLocation): Promise<void> {
  await mkdir(dirname(originalPath), { recursive: true });
  await rename(location.trashPath!, originalPath);
  if (location.infoPath) await rm(location.infoPath, { force: true });
}
