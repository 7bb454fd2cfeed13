// The EXIF facts Likeness keeps: date taken, camera, lens, GPS and orientation. Absurd values become null.
// exifr reads JPEG, HEIF, PNG and every TIFF-based file (TIFF-based camera RAWs too); a CR3's
// metadata is read from its TIFF blocks, a RAF's from the EXIF of the JPEG its header names.
import exifr from 'exifr';
import { cr3TiffBlocks, rafJpeg, rawContainer, type TiffReader } from './raw';

export interface PhotoExif {
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lensModel: string | null;
  latitude: number | null;
  longitude: number | null;
  orientation: number;
}

const EMPTY: PhotoExif = { takenAt: null, cameraMake: null, cameraModel: null, lensModel: null, latitude: null, longitude: null, orientation: 1 };

/** "2008:10:22 16:29:49" (local camera time, no zone) → "2008-10-22T16:29:49"; null if it is not a real date. */
export function exifDateToIso(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (year < 1826 || year > 2200 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
}

function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // Camera strings are often NUL- or space-padded.
  const text = value.replace(/\0/g, '').trim();
  return text.length > 0 && text.length <= 200 ? text : null;
}

function cleanCoordinate(value: unknown, limit: number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

const PICKED = [
  'Make',
  'Model',
  'LensModel',
  'DateTimeOriginal',
  'CreateDate',
  'DateTime',
  'Orientation',
  'GPSLatitude',
  'GPSLatitudeRef',
  'GPSLongitude',
  'GPSLongitudeRef',
];

export async function readExif(buffer: Buffer): Promise<PhotoExif> {
  const container = rawContainer(buffer);
  if (container === 'cr3') return exifFromTags(cr3Tags(buffer));
  if (container === 'raf') {
    // The EXIF is in the header's JPEG (whose pixels may be a stub: the preview can be elsewhere).
    const jpeg = rafJpeg(buffer);
    return jpeg ? readExif(jpeg) : { ...EMPTY };
  }
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(buffer, {
      tiff: true,
      exif: true,
      gps: true,
      ifd1: false,
      interop: false,
      xmp: false,
      icc: false,
      iptc: false,
      reviveValues: false,
      translateValues: false,
      mergeOutput: true,
      pick: PICKED,
    });
  } catch {
    // Broken EXIF never stops a photo from being imported: the pixels are what matter.
    return { ...EMPTY };
  }
  return tags ? exifFromTags(tags) : { ...EMPTY };
}

function exifFromTags(tags: Record<string, unknown>): PhotoExif {
  const orientation = Number(tags.Orientation);
  const gps = gpsFromTags(tags);
  const lat = cleanCoordinate(gps?.latitude, 90);
  const lon = cleanCoordinate(gps?.longitude, 180);
  return {
    takenAt: exifDateToIso(tags.DateTimeOriginal) ?? exifDateToIso(tags.CreateDate) ?? exifDateToIso(tags.DateTime),
    cameraMake: cleanText(tags.Make),
    cameraModel: cleanText(tags.Model),
    lensModel: cleanText(tags.LensModel),
    // (0, 0) is what some cameras write when they have no fix.
    latitude: lat !== null && lon !== null && !(lat === 0 && lon === 0) ? lat : null,
    longitude: lat !== null && lon !== null && !(lat === 0 && lon === 0) ? lon : null,
    orientation: Number.isInteger(orientation) && orientation >= 1 && orientation <= 8 ? orientation : 1,
  };
}

function gpsFromTags(tags: Record<string, unknown>): { latitude: number; longitude: number } | null {
  const toDegrees = (v: unknown): number | null => {
    if (typeof v === 'number') return v;
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number')) return v[0] + v[1] / 60 + v[2] / 3600;
    return null;
  };
  const lat = toDegrees(tags.GPSLatitude);
  const lon = toDegrees(tags.GPSLongitude);
  if (lat === null || lon === null) return null;
  return {
    latitude: tags.GPSLatitudeRef === 'S' ? -lat : lat,
    longitude: tags.GPSLongitudeRef === 'W' ? -lon : lon,
  };
}

/** The tags a CR3 keeps in its CMT1 (IFD0), CMT2 (EXIF) and CMT4 (GPS) boxes, named as exifr names them. */
function cr3Tags(buffer: Buffer): Record<string, unknown> {
  const tags: Record<string, unknown> = {};
  let blocks: ReturnType<typeof cr3TiffBlocks>;
  try {
    blocks = cr3TiffBlocks(buffer);
  } catch {
    return tags;
  }
  const read = (tiff: TiffReader | undefined, names: Record<number, string>) => {
    if (!tiff) return;
    try {
      const { entries } = tiff.ifd(tiff.firstIfd());
      for (const [tag, name] of Object.entries(names)) {
        const entry = entries.get(Number(tag));
        if (!entry) continue;
        const value = entry.type === 2 ? tiff.text(entry) : entry.type === 5 ? tiff.rationals(entry) : tiff.numbers(entry)[0];
        tags[name] = Array.isArray(value) && value.length === 1 ? value[0] : value;
      }
    } catch {
      // a damaged block: the tags read so far stand
    }
  };
  read(blocks.ifd0, { 0x10f: 'Make', 0x110: 'Model', 0x112: 'Orientation', 0x132: 'DateTime' });
  read(blocks.exif, { 0x9003: 'DateTimeOriginal', 0x9004: 'CreateDate', 0xa434: 'LensModel' });
  read(blocks.gps, { 1: 'GPSLatitudeRef', 2: 'GPSLatitude', 3: 'GPSLongitudeRef', 4: 'GPSLongitude' });
  return tags;
}
