// likeness://thumb/<id> and likeness://photo/<id>: thumbnails and originals for the renderer, by
// numeric photo id only (the same parser and resolver as the HTTP server's /thumb and /photo).
import { protocol } from 'electron';
import { Readable } from 'node:stream';
import type { Core } from '../core';
import { MediaUnavailableError, parseMediaUrl, resolveMedia, type MediaBody } from '../api/media';
import { SCHEME } from './scheme';

export function handleMediaProtocol(core: Core): void {
  protocol.handle(SCHEME, async (request) => {
    if (request.method !== 'GET') return new Response(null, { status: 405 });
    const media = parseMediaUrl(request.url);
    if (!media) return new Response(null, { status: 404 });
    let body: MediaBody | null;
    try {
      body = await resolveMedia(core, media);
    } catch (error) {
      if (error instanceof MediaUnavailableError)
        return new Response(error.message, { status: 422, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
      throw error;
    }
    if (!body) return new Response(null, { status: 404 });
    const headers: Record<string, string> = { 'Content-Type': body.contentType, 'Cache-Control': 'private, max-age=300' };
    if (body.size !== null) headers['Content-Length'] = String(body.size);
    return new Response(Readable.toWeb(body.stream()) as unknown as ReadableStream, { status: 200, headers });
  });
}
