// The seed article's figure: a query photo followed by its nearest neighbours, one row, each tile
// captioned with its cosine score (and a label where the caller has one, e.g. an eval's category).
// Written with sharp: tiles composited onto a canvas, captions as SVG text.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import type { Core } from '../core';
import { thumbnailFile } from '../library/thumbnails';
import { photoPaths } from '../store/photos';
import type { SimilarResult } from './service';

export interface SheetTile {
  /** The picture's file (EXIF orientation is applied)… */
  path: string;
  /** …or its bytes when the caller has a decodable rendition (a thumbnail for a RAW or HEIC original). */
  image?: Buffer;
  /** Cosine similarity to the query; none for the query itself. */
  score?: number;
  /** A short label under the score (a category, a file name). */
  label?: string;
  /** Drawn with a green frame when true, red when false (an eval knows which neighbours are right). */
  correct?: boolean;
}

export interface SheetOptions {
  /** Tile side in pixels. */
  tile?: number;
}

const CAPTION = 34;
const GAP = 6;

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function tileImage(t: SheetTile, side: number): Promise<Buffer> {
  try {
    return await sharp(t.image ?? t.path, { autoOrient: true })
      .resize(side, side, { fit: 'contain', background: '#202020' })
      .removeAlpha()
      .png()
      .toBuffer();
  } catch {
    // An unreadable file still gets its place in the row, as a grey tile.
    return await sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
  }
}

function caption(t: SheetTile, width: number, isQuery: boolean): Buffer {
  const first = isQuery ? 'query' : (t.score ?? 0).toFixed(3);
  const label = t.label ? escapeXml(t.label.length > 18 ? `${t.label.slice(0, 17)}…` : t.label) : '';
  const colour = t.correct === undefined ? '#e0e0e0' : t.correct ? '#7fdc7f' : '#ff8a80';
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${CAPTION}">` +
      `<text x="${width / 2}" y="14" font-family="sans-serif" font-size="13" font-weight="bold" fill="${colour}" text-anchor="middle">${first}</text>` +
      `<text x="${width / 2}" y="29" font-family="sans-serif" font-size="11" fill="#c0c0c0" text-anchor="middle">${label}</text></svg>`,
  );
}

/** One PNG: the query, then its neighbours in rank order, left to right, each with its caption. */
export async function renderSheet(query: SheetTile, neighbours: SheetTile[], options: SheetOptions = {}): Promise<Buffer> {
  const side = options.tile ?? 128;
  const tiles = [query, ...neighbours];
  const width = tiles.length * (side + GAP) + GAP + GAP; // an extra gap after the query
  const height = side + CAPTION + 2 * GAP;
  const layers: OverlayOptions[] = [];
  for (const [i, t] of tiles.entries()) {
    const left = GAP + i * (side + GAP) + (i > 0 ? GAP : 0);
    if (t.correct !== undefined) {
      const frame = await sharp({ create: { width: side + 4, height: side + 4, channels: 3, background: t.correct ? '#3c9a3c' : '#c0392b' } })
        .png()
        .toBuffer();
      layers.push({ input: frame, left: left - 2, top: GAP - 2 });
    }
    layers.push({ input: await tileImage(t, side), left, top: GAP });
    layers.push({ input: caption(t, side, i === 0), left, top: GAP + side });
  }
  return await sharp({ create: { width, height, channels: 3, background: '#101010' } })
    .composite(layers)
    .png()
    .toBuffer();
}

/** A library photo as a tile: its thumbnail (upright, and decodable whatever the original's format: RAW, HEIC), else its file. */
async function photoTile(core: Core, id: number, score?: number, copy = false): Promise<SheetTile> {
  const path = photoPaths(core.db, id)[0] ?? '';
  const thumb = thumbnailFile(core, id);
  const image = thumb ? await readFile(thumb).catch(() => undefined) : undefined;
  return { path, image, score, label: copy ? `copy · ${basename(path)}` : basename(path) };
}

/**
 * The sheet of Find similar, as the panel's "Save sheet" and `likeness similar --sheet` write it: the
 * query (a library photo's id, or the file given with --image) and its first 9 results.
 */
export async function similarSheet(core: Core, query: number | string, results: readonly SimilarResult[]): Promise<Buffer> {
  const first = typeof query === 'number' ? await photoTile(core, query) : { path: query, label: basename(query) };
  const neighbours = await Promise.all(results.slice(0, 9).map((r) => photoTile(core, r.photoId, r.score, r.copy)));
  return await renderSheet(first, neighbours, { tile: 160 });
}
