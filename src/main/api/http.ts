// `likeness serve`: the same API over HTTP (POST /api/<method>) and WebSocket (/events), plus the
// built renderer, /thumb/<id> and /photo/<id>, for using Likeness in a browser or on a headless box.
//
// Security model (the server holds the user's whole photo library):
// - binds 127.0.0.1 unless told otherwise;
// - every request must carry the random access token: the printed URL has it as ?token=…, which the
//   server swaps for an HttpOnly SameSite=Strict cookie and a redirect (so it leaves the address bar);
//   non-browser clients may send `Authorization: Bearer <token>` instead;
// - the Host header must name this server and any Origin header must be this server's origin, which
//   defeats DNS rebinding and cross-site requests even before the token is checked;
// - API bodies are JSON only (a cross-site form cannot send that without a preflight), at most 1 MiB,
//   and validated with the contract's zod schemas;
// - static files are looked up in a table built at start-up from the renderer's build output, and
//   media by numeric id, so no part of a request URL ever becomes a file-system path.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { extname, join, relative, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiError } from '../../shared/api';
import { contentSecurityPolicy } from '../security/csp';
import type { Core } from '../core';
import { dispatch } from './dispatch';
import { httpStatusFor } from './errors';
import { MediaUnavailableError, parseMediaPath, resolveMedia, type MediaBody } from './media';
import type { LikenessService } from './service';

export const MAX_BODY_BYTES = 1024 * 1024;
/** How long a refused request's remaining bytes are read (and dropped) before its socket is closed. */
const CLIENT_ERROR_DRAIN_MS = 5000;
const EVENTS_PATH = '/events';

export interface ServerOptions {
  service: LikenessService;
  core: Core;
  host?: string;
  port?: number;
  /** The renderer's build output (index.html + assets); missing → the UI routes answer 503. */
  rendererDir?: string;
  token?: string;
}

export interface RunningServer {
  url: string;
  /** The URL to open: with the access token. */
  loginUrl: string;
  token: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

interface StaticFile {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Every file of the built renderer, keyed by its URL path. Read once: the table is the allow-list. */
export function loadStaticFiles(dir: string | undefined): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!dir) return files;
  const walk = (at: string) => {
    let names: string[];
    try {
      names = readdirSync(at);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(at, name);
      // lstat: a symbolic link in the build output is never followed (nor served).
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) {
        const urlPath = '/' + relative(dir, path).split(sep).join('/');
        files.set(urlPath, { body: readFileSync(path), contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' });
      }
    }
  };
  walk(dir);
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The Host header values (host:port) that name this server. */
export function allowedHostHeaders(bindHost: string, port: number): Set<string> {
  const names = new Set<string>();
  const add = (h: string) => names.add(`${h.includes(':') ? `[${h}]` : h}:${port}`.toLowerCase());
  if (isLoopback(bindHost)) {
    for (const h of ['127.0.0.1', 'localhost', '::1']) add(h);
    add(bindHost);
  } else if (bindHost === '0.0.0.0' || bindHost === '::') {
    // Listening on every interface (a NAS): accept this machine's own addresses and names only.
    for (const h of ['127.0.0.1', 'localhost', '::1', hostname(), `${hostname()}.local`]) add(h);
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) add(a.address);
  } else {
    add(bindHost);
  }
  return names;
}

function tokenMatches(candidate: string | undefined, token: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The request target as a URL, or null when it is not an origin-form path ("/…") within 2 KiB or
 * does not parse. Resolved against a fixed origin, so "//host/x" stays a path and "//[" is a bad
 * URL (400), not an exception (it was a 500 with a stack trace in the log).
 */
export function parseRequestUrl(target: string | undefined): URL | null {
  const raw = target ?? '/';
  if (!raw.startsWith('/') || raw.length > 2048) return null;
  try {
    return new URL(`http://server.invalid${raw}`);
  } catch {
    return null;
  }
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  // The browser's cookie is a secret of its own, not the token: cookies are not kept apart by port,
  // so every server on 127.0.0.1 the browser visits receives it; this one opens this server's
  // session until it stops, never the printed URL or the Bearer route.
  const session = randomBytes(32).toString('base64url');
  const staticFiles = loadStaticFiles(options.rendererDir);
  const { service, core } = options;
  let allowedHosts = new Set<string>();
  let cookieName = 'likeness';

  const server: Server = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  function hostAllowed(req: IncomingMessage): boolean {
    return allowedHosts.has((req.headers.host ?? '').toLowerCase());
  }

  function originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    try {
      const url = new URL(origin);
      return (
        url.protocol === 'http:' && allowedHosts.has(url.host.toLowerCase()) && url.host.toLowerCase() === (req.headers.host ?? '').toLowerCase()
      );
    } catch {
      return false;
    }
  }

  function authenticated(req: IncomingMessage): boolean {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && tokenMatches(auth.slice(7), token)) return true;
    return tokenMatches(parseCookies(req.headers.cookie).get(cookieName), session);
  }

  function securityHeaders(res: ServerResponse): void {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
  }

  function sendError(res: ServerResponse, status: number, error: ApiError): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ error }));
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | null> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(res, 405, { code: 'invalid-request', message: 'use POST' });
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') return sendError(res, 415, { code: 'invalid-request', message: 'body must be application/json' });
    const body = await readBody(req);
    if (body === null) {
      res.setHeader('Connection', 'close');
      return sendError(res, 413, { code: 'invalid-request', message: `request body over ${MAX_BODY_BYTES} bytes` });
    }
    let payload: unknown;
    try {
      payload = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return sendError(res, 400, { code: 'invalid-request', message: 'body is not valid JSON' });
    }
    const outcome = await dispatch(service, method, payload);
    if (outcome.ok) sendJson(res, 200, { result: outcome.result });
    else sendError(res, httpStatusFor(outcome.error.code), outcome.error);
  }

  async function handleMedia(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const request = parseMediaPath(pathname);
    if (!request) return sendError(res, 404, { code: 'not-found', message: 'not found' });
    let media: MediaBody | null;
    try {
      media = await resolveMedia(core, request);
    } catch (error) {
      // An unreadable original: said plainly, for the viewer to show instead of a broken image.
      if (error instanceof MediaUnavailableError) return sendError(res, 422, { code: 'unavailable', message: error.message });
      throw error;
    }
    if (!media) return sendError(res, 404, { code: 'not-found', message: `${request.kind} ${request.id} not found` });
    const headers: Record<string, string | number> = { 'Content-Type': media.contentType, 'Cache-Control': 'private, max-age=300' };
    if (media.size !== null) headers['Content-Length'] = media.size;
    res.writeHead(200, headers);
    const stream = media.stream();
    if (req.method === 'HEAD') {
      stream.destroy(); // closes the original opened for the check
      return void res.end();
    }
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const file = staticFiles.get(pathname);
    if (!file) {
      if (pathname === '/' || pathname === '/index.html') {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('The Likeness UI has not been built: run `npm run build:renderer`, then reload.\n');
      }
      return sendError(res, 404, { code: 'not-found', message: 'not found' });
    }
    const wsOrigin = `ws://${req.headers.host}`;
    res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Length': file.body.length,
      'Cache-Control': pathname.startsWith('/assets/') ? 'private, max-age=3600' : 'no-cache',
      'Content-Security-Policy': contentSecurityPolicy({ eventSocketOrigin: wsOrigin, header: true }),
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    if (!hostAllowed(req)) return sendError(res, 403, { code: 'invalid-request', message: 'unexpected Host header' });
    if (!originAllowed(req)) return sendError(res, 403, { code: 'invalid-request', message: 'cross-origin request refused' });
    // Only the URL's path is used, and only to choose among fixed routes; reject anything odd early.
    const url = parseRequestUrl(req.url);
    if (!url) return sendError(res, 400, { code: 'invalid-request', message: 'bad URL' });
    const pathname = url.pathname;

    const queryToken = url.searchParams.get('token') ?? undefined;
    if (queryToken !== undefined && (req.method === 'GET' || req.method === 'HEAD') && pathname === '/') {
      if (!tokenMatches(queryToken, token)) return sendError(res, 401, { code: 'invalid-request', message: 'wrong access token' });
      res.writeHead(303, {
        Location: '/',
        'Set-Cookie': `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      return void res.end();
    }
    if (!authenticated(req)) {
      return sendError(res, 401, { code: 'invalid-request', message: 'missing or wrong access token: open the URL that `likeness serve` printed' });
    }
    if (pathname.startsWith('/api/')) return handleApi(req, res, pathname.slice(5));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendError(res, 405, { code: 'invalid-request', message: 'method not allowed' });
    }
    if (pathname.startsWith('/thumb/') || pathname.startsWith('/photo/')) return handleMedia(req, res, pathname);
    return handleStatic(req, res, pathname);
  }

  server.on('request', (req, res) => {
    handle(req, res).catch((error) => {
      console.error('likeness serve:', error);
      sendError(res, 500, { code: 'internal', message: 'internal error' });
    });
  });

  // A request the parser refuses (headers over Node's 16 KiB limit, malformed): answer it, then close
  // once the client has sent the rest. Node's default answers and destroys the socket at once: on
  // Node 24 that resets the connection while the client is still sending its headers, and the
  // client saw ECONNRESET instead of the 431.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.resume();
    setTimeout(() => socket.destroy(), CLIENT_ERROR_DRAIN_MS).unref();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== EVENTS_PATH) return refuse('404 Not Found');
    if (!hostAllowed(req) || !originAllowed(req)) return refuse('403 Forbidden');
    if (!authenticated(req)) return refuse('401 Unauthorized');
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  const unsubscribe = service.events.subscribe((event) => {
    const message = JSON.stringify(event);
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(message);
  });

  sockets.on('connection', (ws: WebSocket) => {
    // Clients only listen; anything they send is ignored (and capped by maxPayload).
    ws.on('message', () => {});
    ws.on('error', () => ws.terminate());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  allowedHosts = allowedHostHeaders(host, port);
  cookieName = `likeness_${port}`;
  const shownHost = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;

  return {
    url,
    loginUrl: `${url}?token=${token}`,
    token,
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
