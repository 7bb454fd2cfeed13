// likeness://thumb/<id> and likeness://photo/<id>: thumbnails and originals for the renderer, by
// numeric photo id only (the same parser and resolver as the HTTP server's /thumb and /photo).
import { protocol } from 'electron';
import { Readable } from 'node:stream';
import type { Core } from '../core';
import { parseMediaUrl, resolveMedia } from '../api/media';
import { SCHEME } from './scheme';

export function handleMediaProtocol(core: Core): void {
  protocol.handle(SCHEME, async (request) => {
    if (request.method !== 'GET') return new Response(null, { status: 405 });
    const media = parseMediaUrl(request.url);
    if (!media) return new Response(null, { status: 404 });
    const body = await resolveMedia(core, media);
    if (!body) return new Response(null, { status: 404 });
    const headers: Record<string, string> = { 'Content-Type': body.contentType, 'Cache-Control': 'private, max-age=300' };
    if (body.size !== null) headers['Content-Length'] = String(body.size);
    return new Response(Readable.toWeb(body.stream()) as unknown as ReadableStream, { status: 200, headers });
  });
}
