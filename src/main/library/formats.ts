// Which files are photos, judged first by name (cheap, for the walk) and then by content.
import { extname } from 'node:path';
import { RAW_EXTENSIONS } from './raw';

export const PHOTO_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.gif',
  '.avif',
  '.heic',
  '.heif',
  '.hif',
  // Camera RAW files, read through their embedded JPEG previews (library/raw.ts).
  ...RAW_EXTENSIONS,
]);

export function looksLikePhoto(fileName: string): boolean {
  // macOS writes "._name.jpg" resource forks beside photos on foreign drives: not images.
  if (fileName.startsWith('._')) return false;
  return PHOTO_EXTENSIONS.has(extname(fileName).toLowerCase());
}

const HEVC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);

/**
 * HEIF container with HEVC content (what iPhones write), judged from the ftyp box's major and
 * compatible brands: sharp's libvips cannot decode it.
 */
export function isHevcHeif(head: Uint8Array): boolean {
  if (head.length < 16) return false;
  const text = (from: number) => String.fromCharCode(...head.subarray(from, from + 4));
  if (text(4) !== 'ftyp') return false;
  const boxSize = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
  const end = Math.min(head.length, boxSize > 0 ? boxSize : head.length);
  const brands = [text(8)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(text(at));
  if (brands.includes('avif') || brands.includes('avis')) return false;
  return brands.some((b) => HEVC_BRANDS.has(b));
}
