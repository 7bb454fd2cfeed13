// The content hash that identifies a photo (photos.content_hash): SHA-256 of the file's bytes, in hex.
import { webcrypto } from 'node:crypto';

/** SHA-256 in hex, computed off the main thread (WebCrypto runs on libuv's pool), so decoding never waits on it. */
export async function sha256(buffer: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', buffer)).toString('hex');
}
