// Camera RAW files, read through the largest JPEG preview the camera embedded in them: no RAW
// development. Three container kinds: TIFF (DNG, CR2, NEF, ARW, ORF, RW2, PEF), ISO-BMFF (CR3)
// and Fujifilm's RAF. Besides the places each container names, the whole file is searched for
// JPEG headers, which finds previews kept in maker notes (PEF, ORF) and CR3's full-size JPEG track.
import { extname } from 'node:path';

export const RAW_EXTENSIONS = new Set(['.dng', '.cr2', '.cr3', '.nef', '.arw', '.raf', '.orf', '.rw2', '.pef']);

export function isRawName(fileName: string): boolean {
  return RAW_EXTENSIONS.has(extname(fileName).toLowerCase());
}

export class RawPreviewError extends Error {}

export interface RawPreview {
  /** The JPEG's bytes (it may run on past its end: decoders stop at the end-of-image marker). */
  jpeg: Buffer;
  /** The JPEG's own pixel size, before any orientation. */
  width: number;
  height: number;
}

export type RawContainer = 'tiff' | 'cr3' | 'raf';

export function rawContainer(buffer: Buffer): RawContainer | null {
  if (buffer.length >= 16 && buffer.toString('latin1', 0, 15) === 'FUJIFILMCCD-RAW') return 'raf';
  if (buffer.length >= 12 && buffer.toString('latin1', 4, 12) === 'ftypcrx ') return 'cr3';
  const order = buffer.length >= 8 ? buffer.toString('latin1', 0, 2) : '';
  if (order === 'II' || order === 'MM') return 'tiff';
  return null;
}

/** The embedded JPEG with the most pixels that a baseline/progressive decoder can read. */
export function largestRawPreview(buffer: Buffer): RawPreview {
  const container = rawContainer(buffer);
  if (!container) throw new RawPreviewError('not a camera RAW file this version can read (no TIFF, CR3 or RAF header)');
  const placed: { start: number; end: number }[] = [];
  try {
    if (container === 'tiff') placed.push(...tiffPreviewPlaces(buffer));
    else if (container === 'cr3') placed.push(...cr3PreviewPlaces(buffer));
    else placed.push(...rafPreviewPlaces(buffer));
  } catch {
    // A damaged directory does not hide a preview the search below can still find.
  }
  let best: RawPreview | null = null;
  const consider = (start: number, end: number) => {
    const info = jpegInfo(buffer, start, end);
    if (info && (!best || info.width * info.height > best.width * best.height)) {
      best = { jpeg: buffer.subarray(start, end), width: info.width, height: info.height };
    }
  };
  for (const { start, end } of placed) consider(start, end);
  for (const start of jpegStarts(buffer)) consider(start, buffer.length);
  if (!best) throw new RawPreviewError('the RAW file holds no embedded JPEG preview that can be shown (RAW development is not supported)');
  return best;
}

// --- JPEG headers -------------------------------------------------------------------------------

const MAX_SCAN_HITS = 4096;

function* jpegStarts(buffer: Buffer): Generator<number> {
  const soi = Buffer.from([0xff, 0xd8, 0xff]);
  let at = buffer.indexOf(soi, 0);
  for (let hits = 0; at >= 0 && hits < MAX_SCAN_HITS; hits++) {
    yield at;
    at = buffer.indexOf(soi, at + 3);
  }
}

/**
 * Size of the JPEG at [start, end) if its headers are sound and it is 8-bit baseline, extended or
 * progressive (SOF0–2): lossless JPEG (SOF3) is how CR2 and DNG store the sensor data itself.
 */
function jpegInfo(buffer: Buffer, start: number, end: number): { width: number; height: number } | null {
  end = Math.min(end, buffer.length);
  if (start < 0 || start + 4 > end || buffer[start] !== 0xff || buffer[start + 1] !== 0xd8) return null;
  let at = start + 2;
  let size: { width: number; height: number } | null = null;
  let tables = false;
  while (at + 4 <= end) {
    if (buffer[at] !== 0xff) return null;
    const marker = buffer[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = buffer.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > end) return null;
    if (marker === 0xda) return size && tables ? size : null;
    if (marker === 0xdb) tables = true;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (marker > 0xc2 || length < 8 || buffer[at + 4] !== 8) return null;
      const height = buffer.readUInt16BE(at + 5);
      const width = buffer.readUInt16BE(at + 7);
      const components = buffer[at + 9];
      if (!width || !height || (components !== 1 && components !== 3)) return null;
      size = { width, height };
    }
    at += 2 + length;
  }
  return null;
}

// --- TIFF ---------------------------------------------------------------------------------------

interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Where the value is: inside the entry when it fits in 4 bytes, else at the offset it names. */
  valueAt: number;
}

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

export class TiffReader {
  readonly little: boolean;
  constructor(
    readonly buffer: Buffer,
    /** Where the TIFF header starts: offsets in the file are relative to it. */
    readonly base = 0,
  ) {
    this.little = buffer.toString('latin1', base, base + 2) === 'II';
  }
  u16(at: number): number {
    return this.little ? this.buffer.readUInt16LE(this.base + at) : this.buffer.readUInt16BE(this.base + at);
  }
  u32(at: number): number {
    return this.little ? this.buffer.readUInt32LE(this.base + at) : this.buffer.readUInt32BE(this.base + at);
  }
  firstIfd(): number {
    return this.u32(4);
  }
  /** The entries of the IFD at `offset` and the offset of the next IFD (0 at the end of the chain). */
  ifd(offset: number): { entries: Map<number, IfdEntry>; next: number } {
    const count = this.u16(offset);
    if (count > 1000) throw new RawPreviewError('implausible TIFF directory');
    const entries = new Map<number, IfdEntry>();
    for (let i = 0; i < count; i++) {
      const at = offset + 2 + i * 12;
      const type = this.u16(at + 2);
      const entryCount = this.u32(at + 4);
      const bytes = (TYPE_SIZES[type] ?? 1) * entryCount;
      entries.set(this.u16(at), { tag: this.u16(at), type, count: entryCount, valueAt: bytes <= 4 ? at + 8 : this.u32(at + 8) });
    }
    return { entries, next: this.u32(offset + 2 + count * 12) };
  }
  /** The entry's values as numbers (BYTE/SHORT/LONG), at most `limit` of them. */
  numbers(entry: IfdEntry | undefined, limit = 64): number[] {
    if (!entry) return [];
    const values: number[] = [];
    for (let i = 0; i < Math.min(entry.count, limit); i++) {
      if (entry.type === 3) values.push(this.u16(entry.valueAt + i * 2));
      else if (entry.type === 4 || entry.type === 13) values.push(this.u32(entry.valueAt + i * 4));
      else if (entry.type === 1 || entry.type === 7) values.push(this.buffer[this.base + entry.valueAt + i]);
      else return values;
    }
    return values;
  }
  text(entry: IfdEntry | undefined): string | null {
    if (!entry || entry.type !== 2) return null;
    return this.buffer.toString('latin1', this.base + entry.valueAt, this.base + entry.valueAt + entry.count).replace(/\0[\s\S]*$/, '');
  }
  rationals(entry: IfdEntry | undefined): number[] {
    if (!entry || (entry.type !== 5 && entry.type !== 10)) return [];
    const values: number[] = [];
    for (let i = 0; i < Math.min(entry.count, 8); i++) {
      const denominator = this.u32(entry.valueAt + i * 8 + 4);
      values.push(denominator ? this.u32(entry.valueAt + i * 8) / denominator : NaN);
    }
    return values;
  }
}

const TAG = {
  compression: 0x103,
  stripOffsets: 0x111,
  stripByteCounts: 0x117,
  subIfds: 0x14a,
  jpegOffset: 0x201,
  jpegLength: 0x202,
  panasonicJpgFromRaw: 0x2e,
} as const;

/** Every IFD of the main chain and their SubIFDs (two levels): where TIFF RAWs keep their JPEGs. */
function tiffPreviewPlaces(buffer: Buffer): { start: number; end: number }[] {
  const tiff = new TiffReader(buffer);
  const places: { start: number; end: number }[] = [];
  const seen = new Set<number>();
  const visit = (offset: number, depth: number) => {
    for (let n = 0; offset > 0 && offset + 2 <= buffer.length && n < 16 && !seen.has(offset); n++) {
      seen.add(offset);
      const { entries, next } = tiff.ifd(offset);
      const jpegAt = tiff.numbers(entries.get(TAG.jpegOffset))[0];
      const jpegLength = tiff.numbers(entries.get(TAG.jpegLength))[0];
      if (jpegAt && jpegLength) places.push({ start: jpegAt, end: jpegAt + jpegLength });
      const compression = tiff.numbers(entries.get(TAG.compression))[0];
      const strips = tiff.numbers(entries.get(TAG.stripOffsets));
      const stripBytes = tiff.numbers(entries.get(TAG.stripByteCounts));
      // JPEG-compressed image data in one strip (CR2's full-size preview, DNG previews).
      if ((compression === 6 || compression === 7) && strips.length === 1 && stripBytes.length === 1) {
        places.push({ start: strips[0], end: strips[0] + stripBytes[0] });
      }
      const panasonic = entries.get(TAG.panasonicJpgFromRaw);
      if (panasonic && panasonic.type === 7) places.push({ start: panasonic.valueAt, end: panasonic.valueAt + panasonic.count });
      if (depth < 2) for (const sub of tiff.numbers(entries.get(TAG.subIfds), 16)) visit(sub, depth + 1);
      if (depth > 0) break; // a SubIFD's "next" is not meaningful in every RAW
      offset = next;
    }
  };
  visit(tiff.firstIfd(), 0);
  return places;
}

// --- CR3 (ISO base media file format) -----------------------------------------------------------

interface Box {
  type: string;
  /** Where the box's content starts (after size, type and, for 'uuid', the 16-byte id). */
  start: number;
  end: number;
  uuid?: string;
}

function* boxes(buffer: Buffer, start: number, end: number): Generator<Box> {
  let at = start;
  while (at + 8 <= end) {
    let size = buffer.readUInt32BE(at);
    const type = buffer.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = Number(buffer.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) return;
    let uuid: string | undefined;
    if (type === 'uuid') {
      if (header + 16 > size) return;
      uuid = buffer.toString('hex', at + header, at + header + 16);
      header += 16;
    }
    yield { type, start: at + header, end: at + size, uuid };
    at += size;
  }
}

const CANON_PREVIEW_UUID = 'eaf42b5e1c984b88b9fbb7dc406e4d16';
const CANON_METADATA_UUID = '85c0b687820f11e08111f4ce462b6a48';

/** PRVW (about 1620×1080) in Canon's preview uuid box, THMB (160×120) in its metadata box. */
function cr3PreviewPlaces(buffer: Buffer): { start: number; end: number }[] {
  const places: { start: number; end: number }[] = [];
  // PRVW: u32, u16, width u16, height u16, u16, JPEG length u32, JPEG.
  // THMB: u32, width u16, height u16, JPEG length u32, u16, u16, JPEG.
  const addJpegBox = (box: Box, lengthOffset: number) => {
    const lengthAt = box.start + lengthOffset;
    if (lengthAt + 4 > box.end) return;
    const jpegStart = box.start + 16;
    places.push({ start: jpegStart, end: Math.min(box.end, jpegStart + buffer.readUInt32BE(lengthAt)) });
  };
  for (const top of boxes(buffer, 0, buffer.length)) {
    if (top.type === 'uuid' && top.uuid === CANON_PREVIEW_UUID) {
      // 8 bytes of Canon data, then the PRVW box.
      for (const box of boxes(buffer, top.start + 8, top.end)) if (box.type === 'PRVW') addJpegBox(box, 12);
    }
  }
  for (const box of canonMetadataBoxes(buffer)) if (box.type === 'THMB') addJpegBox(box, 8);
  return places;
}

/** The boxes inside Canon's metadata uuid box in moov: CNCV, CMT1–4, THMB… */
function canonMetadataBoxes(buffer: Buffer): Box[] {
  const found: Box[] = [];
  for (const top of boxes(buffer, 0, buffer.length)) {
    if (top.type !== 'moov') continue;
    for (const box of boxes(buffer, top.start, top.end)) {
      if (box.type === 'uuid' && box.uuid === CANON_METADATA_UUID) found.push(...boxes(buffer, box.start, box.end));
    }
  }
  return found;
}

/**
 * The TIFF structures Canon keeps in a CR3's metadata box: CMT1 (IFD0: make, model, orientation),
 * CMT2 (the EXIF IFD: date taken, lens) and CMT4 (GPS). Absent boxes are left out.
 */
export function cr3TiffBlocks(buffer: Buffer): { ifd0?: TiffReader; exif?: TiffReader; gps?: TiffReader } {
  const found: { ifd0?: TiffReader; exif?: TiffReader; gps?: TiffReader } = {};
  for (const box of canonMetadataBoxes(buffer)) {
    const name = ({ CMT1: 'ifd0', CMT2: 'exif', CMT4: 'gps' } as const)[box.type as 'CMT1' | 'CMT2' | 'CMT4'];
    if (name && box.end - box.start >= 8) found[name] = new TiffReader(buffer.subarray(0, box.end), box.start);
  }
  return found;
}

// --- RAF ----------------------------------------------------------------------------------------

/** RAF's header names its JPEG (a full EXIF JPEG, often full-size): offset at byte 84, length at 88. */
function rafPreviewPlaces(buffer: Buffer): { start: number; end: number }[] {
  const jpeg = rafJpeg(buffer);
  return jpeg ? [{ start: jpeg.byteOffset - buffer.byteOffset, end: jpeg.byteOffset - buffer.byteOffset + jpeg.length }] : [];
}

/** The JPEG a RAF's header names, which carries the camera's EXIF; null when the header is cut short. */
export function rafJpeg(buffer: Buffer): Buffer | null {
  if (buffer.length < 92) return null;
  const start = buffer.readUInt32BE(84);
  const end = start + buffer.readUInt32BE(88);
  return start > 0 && end <= buffer.length ? buffer.subarray(start, end) : null;
}
