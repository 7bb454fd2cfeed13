// Where Likeness keeps its own data. The desktop app and the CLI share it; LIKENESS_HOME
// overrides it. Nothing is ever written anywhere else (in particular never beside the photos).
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LIKENESS_HOME) return resolve(env.LIKENESS_HOME);
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Likeness');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Likeness');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'likeness');
}

/** The layout inside the data directory. */
export class DataDir {
  readonly root: string;
  constructor(root: string = defaultDataDir()) {
    this.root = resolve(root);
  }
  get database(): string {
    return join(this.root, 'library.sqlite');
  }
  get thumbnails(): string {
    return join(this.root, 'thumbnails');
  }
  /** Full-size-enough JPEGs of photos browsers cannot show (HEIC, TIFF), made when first viewed. */
  get previews(): string {
    return join(this.root, 'previews');
  }
  get models(): string {
    return join(this.root, 'models');
  }
  get tmp(): string {
    return join(this.root, 'tmp');
  }
  /** Files derived from the library to start faster; any may be deleted at any time. */
  get caches(): string {
    return join(this.root, 'cache');
  }
  /**
   * Thumbnails are named by content hash (so one can be written before its database row
   * commits, and a crash leaves at worst an unused file), spread over 256 sub-folders.
   */
  thumbnailPath(contentHash: string): string {
    if (!/^[0-9a-f]{64}$/.test(contentHash)) throw new Error('invalid content hash');
    return join(this.thumbnails, contentHash.slice(0, 2), `${contentHash}.webp`);
  }
  /** Named by content hash like thumbnails: a changed file gets a new preview. */
  previewPath(contentHash: string): string {
    if (!/^[0-9a-f]{64}$/.test(contentHash)) throw new Error('invalid content hash');
    return join(this.previews, contentHash.slice(0, 2), `${contentHash}.jpg`);
  }
  modelDir(modelId: number): string {
    return join(this.models, String(modelId));
  }
  ensure(): this {
    for (const dir of [this.root, this.thumbnails, this.models, this.tmp]) mkdirSync(dir, { recursive: true });
    return this;
  }
}
