// The EXIF facts Likeness keeps: date taken, camera, GPS and orientation. Absurd values become null.
import exifr from 'exifr';

export interface PhotoExif {
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  latitude: number | null;
  longitude: number | null;
  orientation: number;
}

const EMPTY: PhotoExif = { takenAt: null, cameraMake: null, cameraModel: null, latitude: null, longitude: null, orientation: 1 };

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

export async function readExif(buffer: Buffer): Promise<PhotoExif> {
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
      pick: ['Make', 'Model', 'DateTimeOriginal', 'CreateDate', 'DateTime', 'Orientation', 'GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef'],
    });
  } catch {
    // Broken EXIF never stops a photo from being imported: the pixels are what matter.
    return { ...EMPTY };
  }
  if (!tags) return { ...EMPTY };
  const orientation = Number(tags.Orientation);
  const gps = gpsFromTags(tags);
  const lat = cleanCoordinate(gps?.latitude, 90);
  const lon = cleanCoordinate(gps?.longitude, 180);
  return {
    takenAt: exifDateToIso(tags.DateTimeOriginal) ?? exifDateToIso(tags.CreateDate) ?? exifDateToIso(tags.DateTime),
    cameraMake: cleanText(tags.Make),
    cameraModel: cleanText(tags.Model),
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
