// `likeness serve` security and robustness: the access token, Host/Origin checks (DNS rebinding,
// cross-site requests), path traversal on every route, ids that do not exist, malformed requests,
// symbolic links out of the data directory, request size limits.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { loadStaticFiles, startServer, type RunningServer } from '../../src/main/api/http';
import { thumbnailFile } from '../../src/main/library/thumbnails';
import { LikenessService } from '../../src/main/api/service';
import { closeCore, openCore, type Core } from '../../src/main/core';
import { indexFolders } from '../../src/main/library/scan';
import { photoIdByPath } from '../../src/main/store/photos';
import { tempDir, writePicture } from '../helpers/images';

const tmp = tempDir('api-http');
let core: Core;
let service: LikenessService;
let server: RunningServer;
let host: string;
const SECRET = 'TOP-SECRET-FILE-CONTENT';

before(async () => {
  const photos = join(tmp.path, 'photos');
  await writePicture(join(photos, 'a.jpg'), 1);
  await writePicture(join(photos, 'b.png'), 2, 'png');
  // Files a traversal would try to reach: beside the renderer, beside the data, beside the photos.
  writeFileSync(join(tmp.path, 'secret.txt'), SECRET);
  writeFileSync(join(photos, 'secret.txt'), SECRET);
  const renderer = join(tmp.path, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Likeness</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("hi")');
  core = openCore(join(tmp.path, 'home'));
  writeFileSync(join(core.dataDir.root, 'secret.txt'), SECRET);
  await indexFolders(core, [photos]);
  service = new LikenessService(core);
  server = await startServer({ service, core, rendererDir: renderer });
  host = `127.0.0.1:${server.port}`;
});

after(async () => {
  await server?.close();
  closeCore(core);
  tmp.cleanup();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the path is sent exactly as written (no client-side normalisation of ../). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers: { Host: host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

const auth = () => ({ Authorization: `Bearer ${server.token}` });
const api = (method: string, payload: unknown, headers: Record<string, string> = {}) =>
  raw('POST', `/api/${method}`, { 'Content-Type': 'application/json', ...auth(), ...headers }, JSON.stringify(payload));

test('binds to 127.0.0.1 and prints a URL carrying the token', () => {
  assert.equal(server.host, '127.0.0.1');
  assert.match(server.loginUrl, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{32}$`));
});

test('without the token nothing is served', async () => {
  for (const path of ['/', '/index.html', '/assets/app.js', '/thumb/1', '/photo/1', '/events']) {
    const reply = await raw('GET', path);
    assert.equal(reply.status, 401, path);
    assert.doesNotMatch(reply.body, /console\.log|<title>/);
  }
  assert.equal((await raw('POST', '/api/status', { 'Content-Type': 'application/json' }, '{}')).status, 401);
  assert.equal((await raw('GET', '/?token=wrong')).status, 401);
  assert.equal((await raw('POST', '/api/status', { 'Content-Type': 'application/json', Authorization: 'Bearer nope' }, '{}')).status, 401);
  assert.equal((await raw('GET', '/', { Cookie: `likeness_${server.port}=nope` })).status, 401);
});

test('the token URL swaps the token for an HttpOnly SameSite cookie that then works', async () => {
  const login = await raw('GET', `/?token=${server.token}`);
  assert.equal(login.status, 303);
  assert.equal(login.headers.location, '/');
  const cookie = String(login.headers['set-cookie']);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const pair = cookie.split(';')[0];
  // The cookie is a session secret of its own: cookies reach every port of 127.0.0.1, the token must not.
  const [name, value] = pair.split('=');
  assert.equal(name, `likeness_${server.port}`);
  assert.ok(!cookie.includes(server.token), 'the cookie does not carry the token');
  assert.equal((await raw('GET', '/', { Cookie: `${name}=${server.token}` })).status, 401, 'the token is no cookie');
  assert.equal((await raw('GET', '/', { Authorization: `Bearer ${value}` })).status, 401, 'the session is no token');
  const page = await raw('GET', '/', { Cookie: pair });
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>Likeness<\/title>/);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.equal((await raw('GET', '/assets/app.js', { Cookie: pair })).status, 200);
  const status = await raw('POST', '/api/status', { Cookie: pair, 'Content-Type': 'application/json', Origin: `http://${host}` }, '{}');
  assert.equal(status.status, 200);
  assert.equal(JSON.parse(status.body).result.photos, 2);
});

test('a foreign Host header is refused even with the token (DNS rebinding)', async () => {
  for (const badHost of ['evil.example:80', `evil.example:${server.port}`, '127.0.0.1:1', `127.0.0.1.evil.example:${server.port}`]) {
    const reply = await raw('GET', `/?token=${server.token}`, { Host: badHost });
    assert.equal(reply.status, 403, badHost);
    assert.equal((await api('status', {}, { Host: badHost })).status, 403, badHost);
  }
  assert.equal((await raw('GET', `/?token=${server.token}`, { Host: `localhost:${server.port}` })).status, 303);
});

test('a foreign Origin is refused even with the token', async () => {
  for (const origin of ['http://evil.example', `http://evil.example:${server.port}`, 'null', `https://${host}`, `http://localhost:${server.port}`]) {
    assert.equal((await api('status', {}, { Origin: origin })).status, 403, origin);
    assert.equal((await raw('GET', '/thumb/1', { ...auth(), Origin: origin })).status, 403, origin);
  }
  assert.equal((await api('status', {}, { Origin: `http://${host}` })).status, 200);
});

test('the event socket needs the token and this origin', async () => {
  const url = `ws://${host}/events`;
  const outcome = (headers: Record<string, string>) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('error', (e) => resolve(`error ${e.message}`));
    });
  assert.equal(await outcome({}), '401');
  assert.equal(await outcome({ ...auth(), Origin: 'http://evil.example' }), '403');
  assert.equal(await outcome({ ...auth(), Origin: `http://${host}` }), 'open');

  // Events arrive: a job queued through the API shows up on the socket.
  const ws = new WebSocket(url, { headers: { ...auth(), Origin: `http://${host}` } });
  await new Promise((r) => ws.on('open', r));
  const seen = new Promise<unknown>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))));
  service.jobs.enqueue('scan', 'test job', async () => {});
  const event = (await seen) as { type: string; job: { message: string } };
  assert.equal(event.type, 'job');
  await service.jobs.idle();
  ws.close();
});

test('path traversal on every route reaches nothing', async () => {
  const attempts = [
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/../../secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets/..\\..\\secret.txt',
    '//etc/passwd',
    '/etc/passwd',
    '/thumb/../secret.txt',
    '/thumb/..%2f..%2fsecret.txt',
    '/thumb/1/../../secret.txt',
    '/thumb/%2e%2e%2fsecret.txt',
    '/thumb/1%2f..%2f..%2fsecret.txt',
    '/thumb/secret.txt',
    '/thumb//etc/passwd',
    '/thumb/1%00.txt',
    '/photo/../secret.txt',
    '/photo/..%2f..%2fphotos%2fsecret.txt',
    '/photo/1/../../photos/secret.txt',
    '/photo/%2fetc%2fpasswd',
    '/photo/1?path=/etc/passwd',
    '/api/../secret.txt',
    '/api/..%2fsecret.txt',
    '/api/%2e%2e%2fsecret.txt',
    '/events/../secret.txt',
  ];
  for (const path of attempts) {
    for (const method of ['GET', 'POST']) {
      const reply = await raw(method, path, { ...auth(), 'Content-Type': 'application/json' }, method === 'POST' ? '{}' : undefined);
      assert.ok(
        [400, 401, 403, 404, 405].includes(reply.status) || (path === '/photo/1?path=/etc/passwd' && reply.status === 200),
        `${method} ${path} → ${reply.status}`,
      );
      assert.ok(!reply.body.includes(SECRET) && !reply.body.includes('root:'), `${method} ${path} leaked a file`);
    }
  }
  // The query string is ignored: /photo/1?path=… is photo 1, nothing else.
  const photo = await raw('GET', '/photo/1?path=/etc/passwd', auth());
  assert.equal(photo.status, 200);
  assert.match(String(photo.headers['content-type']), /^image\//);
});

test('media by id: real ids give images, odd or missing ids give 404', async () => {
  const thumb = await raw('GET', '/thumb/1', auth());
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers['content-type'], 'image/webp');
  assert.equal(thumb.body.slice(8, 12), 'WEBP');
  const photo = await raw('GET', '/photo/2', auth());
  assert.equal(photo.status, 200);
  assert.match(String(photo.headers['content-type']), /^image\/(png|jpeg)$/);
  for (const path of [
    '/thumb/0',
    '/thumb/-1',
    '/thumb/01',
    '/thumb/1.5',
    '/thumb/1e3',
    '/thumb/999999',
    '/thumb/99999999999999999999',
    '/photo/0',
    '/photo/999999',
    '/photo/abc',
    '/thumb/',
    '/photo/',
  ]) {
    const reply = await raw('GET', path, auth());
    assert.equal(reply.status, 404, path);
    assert.equal(JSON.parse(reply.body).error.code, 'not-found', path);
  }
});

test('malformed API requests get an ApiError, never a crash', async () => {
  const cases: [string, string | Buffer, Record<string, string>, number][] = [
    ['/api/status', '{not json', {}, 400],
    ['/api/status', '[]', {}, 400],
    ['/api/status', '{"extra":1}', {}, 400],
    ['/api/listPhotos', '{"limit":"ten"}', {}, 400],
    ['/api/listPhotos', '{"limit":100000}', {}, 400],
    ['/api/getPhoto', '{"id":-1}', {}, 400],
    ['/api/getPhoto', '{"id":1.5}', {}, 400],
    ['/api/getPhoto', '{"id":"1"}', {}, 400],
    ['/api/getPhoto', '{"id":999999}', {}, 404],
    ['/api/findSimilar', '{"id":999999}', {}, 404],
    ['/api/cancelJob', '{"id":999999}', {}, 404],
    ['/api/noSuchMethod', '{}', {}, 400],
    ['/api/constructor', '{}', {}, 400],
    ['/api/__proto__', '{}', {}, 400],
    ['/api/toString', '{}', {}, 400],
    ['/api/addFolder', '{"path":""}', {}, 400],
    ['/api/addFolder', JSON.stringify({ path: join(tmp.path, 'no-such-folder') }), {}, 400],
    ['/api/status', '{}', { 'Content-Type': 'text/plain' }, 415],
    ['/api/status', '{}', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415],
    ['/api/addFolder', JSON.stringify({ path: 'x'.repeat(2 * 1024 * 1024) }), {}, 413],
  ];
  for (const [path, body, headers, status] of cases) {
    const reply = await raw('POST', path, { 'Content-Type': 'application/json', ...auth(), ...headers }, body);
    assert.equal(reply.status, status, `${path} ${String(body).slice(0, 40)} → ${reply.status} ${reply.body.slice(0, 200)}`);
    const error = JSON.parse(reply.body).error;
    assert.equal(typeof error.code, 'string');
    assert.equal(typeof error.message, 'string');
  }
  assert.equal((await raw('GET', '/api/status', auth())).status, 405);
  assert.equal((await raw('PUT', '/thumb/1', auth())).status, 405);
  // Still alive and answering.
  const status = await api('status', {});
  assert.equal(status.status, 200);
});

test('malformed request targets answer 400 or 404, never 500, and log nothing', async () => {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    for (const target of ['//[', '//[::1', '/[', '//%', '//user@[x]/', 'http://[', '*']) {
      for (const headers of [{}, auth()]) {
        const reply = await rawTarget(
          `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${'Authorization' in headers ? `Authorization: ${headers.Authorization}\r\n` : ''}Connection: close\r\n\r\n`,
        );
        assert.match(reply, /^HTTP\/1\.1 (400|401|404) /, `GET ${target} → ${reply.split('\r\n')[0]}`);
      }
    }
  } finally {
    console.error = original;
  }
  assert.deepEqual(logged, []);
});

/** Sends a request exactly as written (the request line is not checked by any client) and returns the reply. */
function rawTarget(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.end(request));
    let reply = '';
    socket.on('data', (c) => (reply += c.toString('latin1')));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

test('a photo file swapped for something else after indexing is not served', async () => {
  const path = join(tmp.path, 'photos', 'a.jpg');
  const id = photoIdByPath(core.db, path)!;
  assert.equal((await raw('GET', `/photo/${id}`, auth())).status, 200);
  renameSync(path, `${path}.saved`);
  symlinkSync(join(tmp.path, 'secret.txt'), path);
  try {
    for (const method of ['GET', 'HEAD']) {
      const reply = await raw(method, `/photo/${id}`, auth());
      assert.equal(reply.status, 422, `${method} → ${reply.status}`);
      assert.ok(!reply.body.includes(SECRET));
    }
    const problem = await api('photoProblem', { id });
    assert.match(JSON.parse(problem.body).result.problem, /changed since it was indexed/);
  } finally {
    rmSync(path);
    renameSync(`${path}.saved`, path);
  }
  assert.equal((await raw('GET', `/photo/${id}`, auth())).status, 200, 'served again once it is the indexed file');
  assert.equal((await raw('HEAD', `/photo/${id}`, auth())).status, 200);
});

test('symbolic links out of the data directory and the renderer build are never followed', async () => {
  // A thumbnail replaced by a link to a secret, and a thumbnail folder replaced by a link elsewhere.
  const thumb = thumbnailFile(core, 1)!;
  const saved = readFileSync(thumb);
  rmSync(thumb);
  symlinkSync(join(tmp.path, 'secret.txt'), thumb);
  try {
    const reply = await raw('GET', '/thumb/1', auth());
    assert.equal(reply.status, 404);
    assert.ok(!reply.body.includes(SECRET));
  } finally {
    rmSync(thumb);
    writeFileSync(thumb, saved);
  }
  const thumbDir = dirname(thumbnailFile(core, 2)!);
  const outside = join(tmp.path, 'outside-thumbs');
  cpSync(thumbDir, outside, { recursive: true });
  renameSync(thumbDir, `${thumbDir}.moved`);
  symlinkSync(outside, thumbDir);
  try {
    assert.equal((await raw('GET', '/thumb/2', auth())).status, 404, 'a folder link leading out of the data directory');
  } finally {
    rmSync(thumbDir);
    renameSync(`${thumbDir}.moved`, thumbDir);
  }
  assert.equal((await raw('GET', '/thumb/2', auth())).status, 200, 'served again once it is a plain file');

  const renderer = join(tmp.path, 'renderer-with-link');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Likeness</title>');
  symlinkSync(join(tmp.path, 'secret.txt'), join(renderer, 'leak.txt'));
  symlinkSync(tmp.path, join(renderer, 'up'));
  const files = loadStaticFiles(renderer);
  assert.deepEqual([...files.keys()].sort(), ['/', '/index.html']);
});

test('request size: a chunked body over 1 MiB and oversize headers are refused, and the server lives on', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/api/status',
        headers: { Host: host, 'Content-Type': 'application/json', ...auth(), 'Transfer-Encoding': 'chunked' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as NodeJS.ErrnoException).code === 'EPIPE' ? resolve(413) : reject(error),
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let i = 0; i < 20; i++) req.write(chunk);
    req.end();
  });
  assert.equal(status, 413);
  const headers = await raw('GET', '/', { ...auth(), 'X-Padding': 'x'.repeat(64 * 1024) });
  assert.equal(headers.status, 431);
  assert.equal((await api('status', {})).status, 200);
});
