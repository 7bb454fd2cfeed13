// Camera RAW fixtures written by the tests themselves: TIFF structures (DNG, NEF, CR2, ORF, RW2, PEF
// layouts), a CR3 (ISO-BMFF boxes) and a RAF, each embedding JPEGs that sharp makes. No sensor data:
// Likeness reads RAW files only through their embedded previews.

export type TiffEntry =
  | { tag: number; short: number[] }
  | { tag: number; long: number[] }
  | { tag: number; ascii: string }
  | { tag: number; rational: [number, number][] }
  | { tag: number; bytes: Buffer }
  /** A LONG holding the offset of another IFD of this file (SubIFDs, Exif IFD, GPS IFD). */
  | { tag: number; ifds: number[] }
  /** A LONG holding the offset of one of the file's blobs. */
  | { tag: number; blob: number };

export interface TiffSpec {
  little?: boolean;
  /** The header's second word: 42 for TIFF, 0x4f52 ("RO") for ORF, 0x55 for RW2. */
  magic?: number;
  /** IFDs; the ones listed in `chain` are linked from the header in that order, others are pointed at. */
  ifds: TiffEntry[][];
  chain: number[];
  /** Data the entries point at (JPEGs, sensor data); also written when nothing points at them. */
  blobs: Buffer[];
}

const TYPE = { short: 3, long: 4, ascii: 2, rational: 5, bytes: 7, ifds: 4, blob: 4 } as const;

/** Writes a TIFF-structured file: header, blobs, then each IFD followed by its out-of-line values. */
export function writeTiff(spec: TiffSpec): Buffer {
  const little = spec.little ?? true;
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    if (little) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    if (little) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  };
  const even = (n: number) => n + (n & 1);
  let at = 8;
  const blobAt = spec.blobs.map((blob) => {
    const offset = at;
    at += even(blob.length);
    return offset;
  });
  // Values before their offsets are known: pointers are filled in once every IFD has its place.
  const valueBytes = (entry: TiffEntry, ifdAt: number[]): { type: number; count: number; bytes: Buffer } => {
    if ('short' in entry) return { type: TYPE.short, count: entry.short.length, bytes: Buffer.concat(entry.short.map(u16)) };
    if ('long' in entry) return { type: TYPE.long, count: entry.long.length, bytes: Buffer.concat(entry.long.map(u32)) };
    if ('ascii' in entry) return { type: TYPE.ascii, count: entry.ascii.length + 1, bytes: Buffer.from(`${entry.ascii}\0`, 'latin1') };
    if ('rational' in entry) {
      return { type: TYPE.rational, count: entry.rational.length, bytes: Buffer.concat(entry.rational.flatMap(([n, d]) => [u32(n), u32(d)])) };
    }
    if ('bytes' in entry) return { type: TYPE.bytes, count: entry.bytes.length, bytes: entry.bytes };
    if ('ifds' in entry) return { type: TYPE.ifds, count: entry.ifds.length, bytes: Buffer.concat(entry.ifds.map((i) => u32(ifdAt[i] ?? 0))) };
    return { type: TYPE.blob, count: 1, bytes: u32(blobAt[entry.blob]) };
  };
  const sizes = spec.ifds.map((entries) => {
    const extra = entries.reduce((n, e) => {
      const { bytes } = valueBytes(e, []);
      return n + (bytes.length > 4 ? even(bytes.length) : 0);
    }, 0);
    return 2 + 12 * entries.length + 4 + extra;
  });
  const ifdAt = sizes.map((size) => {
    const offset = at;
    at += size;
    return offset;
  });
  const parts: Buffer[] = [Buffer.from(little ? 'II' : 'MM', 'latin1'), u16(spec.magic ?? 42), u32(ifdAt[spec.chain[0]] ?? 0)];
  spec.blobs.forEach((blob) => parts.push(blob, Buffer.alloc(blob.length & 1)));
  spec.ifds.forEach((entries, index) => {
    const sorted = [...entries].sort((a, b) => a.tag - b.tag);
    let extraAt = ifdAt[index] + 2 + 12 * sorted.length + 4;
    const head: Buffer[] = [u16(sorted.length)];
    const extra: Buffer[] = [];
    for (const entry of sorted) {
      const { type, count, bytes } = valueBytes(entry, ifdAt);
      head.push(u16(entry.tag), u16(type), u32(count));
      if (bytes.length <= 4) head.push(Buffer.concat([bytes, Buffer.alloc(4 - bytes.length)]));
      else {
        head.push(u32(extraAt));
        extra.push(bytes, Buffer.alloc(bytes.length & 1));
        extraAt += even(bytes.length);
      }
    }
    const chainPosition = spec.chain.indexOf(index);
    const next = chainPosition >= 0 && chainPosition + 1 < spec.chain.length ? ifdAt[spec.chain[chainPosition + 1]] : 0;
    head.push(u32(next));
    parts.push(...head, ...extra);
  });
  return Buffer.concat(parts);
}

export const TAGS = {
  newSubfileType: 0xfe,
  imageWidth: 0x100,
  imageLength: 0x101,
  compression: 0x103,
  make: 0x10f,
  model: 0x110,
  stripOffsets: 0x111,
  orientation: 0x112,
  stripByteCounts: 0x117,
  dateTime: 0x132,
  subIfds: 0x14a,
  jpegOffset: 0x201,
  jpegLength: 0x202,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  dateTimeOriginal: 0x9003,
  lensModel: 0xa434,
  dngVersion: 0xc612,
} as const;

/**
 * A stand-in for sensor data stored as lossless JPEG (SOF3), the way CR2 and DNG store it: a sound
 * JPEG header announcing a large image that no preview decoder can read.
 */
export function losslessJpegStub(width: number, height: number): Buffer {
  const sof3 = Buffer.from([0xff, 0xc3, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]);
  const dqt = Buffer.concat([Buffer.from([0xff, 0xdb, 0, 67, 0]), Buffer.alloc(64, 1)]);
  const sos = Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 1, 0, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), dqt, sof3, sos, Buffer.alloc(256, 0x55), Buffer.from([0xff, 0xd9])]);
}

export interface RawShot {
  make: string;
  model: string;
  /** EXIF form, "2024:05:06 07:08:09". */
  taken: string;
  orientation: number;
  lens?: string;
  /** Degrees, minutes, seconds north and east. */
  gps?: { latitude: [number, number, number]; longitude: [number, number, number] };
}

function exifIfdEntries(shot: RawShot): TiffEntry[] {
  return [{ tag: TAGS.dateTimeOriginal, ascii: shot.taken }, ...(shot.lens ? [{ tag: TAGS.lensModel, ascii: shot.lens }] : [])];
}

function gpsIfdEntries(shot: RawShot): TiffEntry[] {
  if (!shot.gps) return [];
  const dms = (v: [number, number, number]): [number, number][] => v.map((x) => [Math.round(x * 100), 100]);
  return [
    { tag: 1, ascii: 'N' },
    { tag: 2, rational: dms(shot.gps.latitude) },
    { tag: 3, ascii: 'E' },
    { tag: 4, rational: dms(shot.gps.longitude) },
  ];
}

/**
 * A DNG: IFD0 is a small thumbnail (as uncompressed RGB), its SubIFDs hold the sensor data (lossless
 * JPEG) and the preview (a baseline JPEG in one strip, compression 7). EXIF and GPS from IFD0.
 */
export function writeDng(shot: RawShot, preview: Buffer, options: { sensor?: Buffer | null; little?: boolean } = {}): Buffer {
  const thumb = Buffer.alloc(32 * 24 * 3, 0x80);
  const sensor = options.sensor === undefined ? losslessJpegStub(6000, 4000) : options.sensor;
  const blobs = [thumb, preview, ...(sensor ? [sensor] : [])];
  const ifds: TiffEntry[][] = [
    [
      { tag: TAGS.newSubfileType, long: [1] },
      { tag: TAGS.imageWidth, short: [32] },
      { tag: TAGS.imageLength, short: [24] },
      { tag: TAGS.compression, short: [1] },
      { tag: TAGS.make, ascii: shot.make },
      { tag: TAGS.model, ascii: shot.model },
      { tag: TAGS.stripOffsets, blob: 0 },
      { tag: TAGS.orientation, short: [shot.orientation] },
      { tag: TAGS.stripByteCounts, long: [thumb.length] },
      { tag: TAGS.dateTime, ascii: shot.taken },
      { tag: TAGS.subIfds, ifds: sensor ? [1, 2] : [1] },
      { tag: TAGS.exifIfd, ifds: [3] },
      ...(shot.gps ? [{ tag: TAGS.gpsIfd, ifds: [4] }] : []),
      { tag: TAGS.dngVersion, bytes: Buffer.from([1, 4, 0, 0]) },
    ],
    [
      { tag: TAGS.newSubfileType, long: [1] },
      { tag: TAGS.compression, short: [7] },
      { tag: TAGS.stripOffsets, blob: 1 },
      { tag: TAGS.stripByteCounts, long: [preview.length] },
    ],
    sensor
      ? [
          { tag: TAGS.newSubfileType, long: [0] },
          { tag: TAGS.compression, short: [7] },
          { tag: TAGS.stripOffsets, blob: 2 },
          { tag: TAGS.stripByteCounts, long: [sensor.length] },
        ]
      : [],
    exifIfdEntries(shot),
    gpsIfdEntries(shot),
  ];
  return writeTiff({ little: options.little, ifds, chain: [0], blobs });
}

/** A NEF-like TIFF: the preview is a JPEGInterchangeFormat in a SubIFD, big-endian like Nikon's. */
export function writeNefLike(shot: RawShot, thumbnail: Buffer, preview: Buffer): Buffer {
  return writeTiff({
    little: false,
    chain: [0],
    blobs: [thumbnail, preview, losslessJpegStub(6000, 4000)],
    ifds: [
      [
        { tag: TAGS.make, ascii: shot.make },
        { tag: TAGS.model, ascii: shot.model },
        { tag: TAGS.orientation, short: [shot.orientation] },
        { tag: TAGS.subIfds, ifds: [1, 2] },
        { tag: TAGS.exifIfd, ifds: [3] },
        { tag: TAGS.jpegOffset, blob: 0 },
        { tag: TAGS.jpegLength, long: [thumbnail.length] },
      ],
      [
        { tag: TAGS.jpegOffset, blob: 1 },
        { tag: TAGS.jpegLength, long: [preview.length] },
      ],
      [
        { tag: TAGS.compression, short: [7] },
        { tag: TAGS.stripOffsets, blob: 2 },
        { tag: TAGS.stripByteCounts, long: [1] },
      ],
      exifIfdEntries(shot),
    ],
  });
}

function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function uuidBox(uuid: string, ...content: Buffer[]): Buffer {
  return box('uuid', Buffer.from(uuid, 'hex'), ...content);
}

/**
 * A CR3: ftyp "crx ", moov with Canon's metadata uuid box (CMT1 = IFD0, CMT2 = EXIF as TIFFs, THMB),
 * the preview uuid box holding PRVW, and an mdat. The PRVW preview carries no orientation of its own.
 */
export function writeCr3(shot: RawShot, thumbnail: Buffer, preview: Buffer, size: { width: number; height: number }): Buffer {
  const cmt1 = writeTiff({
    chain: [0],
    blobs: [],
    ifds: [
      [
        { tag: TAGS.make, ascii: shot.make },
        { tag: TAGS.model, ascii: shot.model },
        { tag: TAGS.orientation, short: [shot.orientation] },
        { tag: TAGS.dateTime, ascii: shot.taken },
      ],
    ],
  });
  const cmt2 = writeTiff({ chain: [0], blobs: [], ifds: [exifIfdEntries(shot)] });
  const u16 = (v: number) => Buffer.from([v >> 8, v & 255]);
  const u32 = (v: number) => Buffer.from([v >>> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255]);
  const thmb = box('THMB', u32(0), u16(160), u16(120), u32(thumbnail.length), u16(1), u16(0), thumbnail);
  const prvw = box('PRVW', u32(0), u16(1), u16(size.width), u16(size.height), u16(1), u32(preview.length), preview);
  const ftyp = box('ftyp', Buffer.from('crx ', 'latin1'), u32(1), Buffer.from('crx isom', 'latin1'));
  const moov = box(
    'moov',
    uuidBox(
      '85c0b687820f11e08111f4ce462b6a48',
      box('CNCV', Buffer.from('CanonCR3_001/00.09.00/00.00.00', 'latin1')),
      box('CMT1', cmt1),
      box('CMT2', cmt2),
      thmb,
    ),
  );
  const previewBox = uuidBox('eaf42b5e1c984b88b9fbb7dc406e4d16', Buffer.alloc(8), prvw);
  return Buffer.concat([ftyp, moov, previewBox, box('mdat', Buffer.alloc(4096, 0x33))]);
}

/** A RAF: Fujifilm's header, whose bytes 84–91 name the embedded JPEG (which has EXIF of its own). */
export function writeRaf(jpegWithExif: Buffer): Buffer {
  const header = Buffer.alloc(160);
  header.write('FUJIFILMCCD-RAW 0201FF383501', 0, 'latin1');
  header.write('X-T1', 28, 'latin1');
  header.writeUInt32BE(header.length, 84);
  header.writeUInt32BE(jpegWithExif.length, 88);
  return Buffer.concat([header, jpegWithExif, Buffer.alloc(2048, 0x11)]);
}
