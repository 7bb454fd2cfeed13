// Writing a cache file beside older versions of itself: whole, then renamed into place (a reader
// never sees half a file), and the older versions dropped. A cache only: a read-only or full data
// directory is not an error, the caller computes again next time.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `name` in `dir` and removes the other files of `dir` whose names match `versions`. */
export function replaceCacheFile(dir: string, name: string, bytes: Uint8Array, versions: RegExp): void {
  try {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
    for (const other of readdirSync(dir)) if (versions.test(other) && other !== name) rmSync(join(dir, other), { force: true });
  } catch {
    // A cache only.
  }
}
