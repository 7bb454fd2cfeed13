// What a folder tree holds, to check that the photos were left untouched: each file's relative
// path mapped to its SHA-256 and mtime, so a rewrite, a touch or a new or missing file shows.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function folderSnapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isDirectory()) walk(path);
      else out.set(relative(root, path), `${createHash('sha256').update(readFileSync(path)).digest('hex')}:${info.mtimeMs}`);
    }
  };
  walk(root);
  return out;
}
