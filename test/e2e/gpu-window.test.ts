// The desktop app's GPU training window (src/gpu), run in Debian Chromium with its software
// renderer, since the Electron binary is not available here: Chromium's WebGPU (SwiftShader) when
// it gives an adapter, and WebGL 2 (SwiftShader through ANGLE). Each is driven by the main process's
// real client (GpuWindowEngine) over a port bridged through Playwright, must agree with the Node
// cpu backend on one step's gradients and Adam update, and must train a few steps of the real
// training loop, writing weights. Skipped, saying why, where a backend is missing.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { GPU_TRAINER_PORT_MESSAGE, type FromGpuWindow, type GpuPreference, type ToGpuWindow } from '../../src/gpu/protocol';
import { initBackend } from '../../src/main/model/backend';
import { presetConfig, type ModelConfig } from '../../src/main/model/config';
import { GpuWindowEngine } from '../../src/main/model/gpuEngine';
import { LocalEngine } from '../../src/main/model/gradientEngine';
import { initialValues, Params, paramSpecs, size } from '../../src/main/model/params';
import { Rng } from '../../src/main/util/rng';
import { adamUpdate, newAdamState, stepNoise } from '../../src/main/model/trainer';
import { runTrainingWorker, sharedBuffers, type WorkerInit, type WorkerMessage } from '../../src/main/model/trainLoop';
import { chromiumPath, repoRoot } from './harness';

const tmp = mkdtempSync(join(tmpdir(), 'likeness-gpu-window-'));
let server: Server;
let url = '';
let browser: Browser;
let available: { webgpu: string | null; webgl2: string | null } = { webgpu: null, webgl2: null };

// Typed arrays cross the Playwright bridge as tagged plain arrays.
const encode = `(function encode(v) {
  if (v instanceof Float32Array) return { __f32: Array.from(v) };
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
})`;
const decode = `(function decode(v) {
  if (v && typeof v === 'object' && '__f32' in v) return new Float32Array(v.__f32);
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
})`;
const encodeHere = eval(encode) as (v: unknown) => unknown;
const decodeHere = eval(decode) as (v: unknown) => unknown;

before(async () => {
  await build({
    entryPoints: [join(repoRoot, 'src/gpu/main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outfile: join(tmp, 'main.js'),
    logLevel: 'warning',
  });
  // The app's page with the bundle in place of Vite's (same Content-Security-Policy).
  const html = readFileSync(join(repoRoot, 'src/renderer/gpu-trainer.html'), 'utf8').replace('../gpu/main.ts', './main.js');
  assert.match(html, /Content-Security-Policy/);
  // Served over http://127.0.0.1: WebGPU exists only in secure contexts, which a loopback origin is.
  server = createServer((req, res) => {
    if (req.url === '/main.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end(readFileSync(join(tmp, 'main.js')));
    } else {
      res.setHeader('content-type', 'text/html');
      res.end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    // What the app asks Electron for on Linux (unsafe-webgpu, Vulkan), with SwiftShader standing in for a GPU.
    args: [
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-angle=swiftshader',
      '--use-webgpu-adapter=swiftshader',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage();
  await page.goto(url);
  available = await page.evaluate(async () => {
    // (Browser globals, typed by hand: tests are type-checked without the DOM library.)
    const page = globalThis as unknown as {
      navigator: { gpu?: { requestAdapter(): Promise<unknown> } };
      document: { createElement(tag: 'canvas'): { getContext(kind: 'webgl2'): unknown } };
    };
    const gpu = page.navigator.gpu;
    const adapter = gpu ? await gpu.requestAdapter() : null;
    const gl = page.document.createElement('canvas').getContext('webgl2');
    return {
      webgpu: adapter ? null : gpu ? 'Chromium gives no WebGPU adapter here' : 'navigator.gpu is missing in this Chromium',
      webgl2: gl ? null : 'Chromium has no WebGL 2 context here',
    };
  });
  await page.close();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

/** A page running the GPU trainer, and the main process's client for it over a Playwright bridge. */
async function openWindow(prefer: GpuPreference): Promise<{ page: Page; engine: GpuWindowEngine; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // CSP violations and script errors are bugs; the favicon the test server lacks is not.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  let handler: (m: FromGpuWindow) => void = () => {};
  await page.exposeFunction('__likenessToMain', (m: unknown) => handler(decodeHere(m) as FromGpuWindow));
  await page.goto(url);
  await page.evaluate(
    ({ encode, decode, tag }) => {
      interface Port {
        onmessage: (e: { data: unknown }) => void;
        postMessage(m: unknown): void;
      }
      const w = globalThis as unknown as {
        __likenessToMain(m: unknown): void;
        __likenessSend(m: unknown): void;
        postMessage(m: unknown, origin: string, transfer: unknown[]): void;
        MessageChannel: new () => { port1: Port; port2: Port };
      };
      const enc = (0, eval)(encode);
      const dec = (0, eval)(decode);
      const channel = new w.MessageChannel();
      channel.port1.onmessage = (e) => w.__likenessToMain(enc(e.data));
      w.__likenessSend = (m: unknown) => channel.port1.postMessage(dec(m));
      w.postMessage(tag, '*', [channel.port2]);
    },
    { encode, decode, tag: GPU_TRAINER_PORT_MESSAGE },
  );
  const engine = new GpuWindowEngine(
    {
      // A crashed or closed page rejects here: the engine is told, as the app's is by Electron's render-process-gone.
      post: (m: ToGpuWindow) =>
        void page
          .evaluate((x) => (globalThis as unknown as { __likenessSend(m: unknown): void }).__likenessSend(x), encodeHere(m))
          .catch((e: Error) => engine.fail(`the GPU training window stopped (${e.message.split('\n')[0]})`)),
      onMessage: (h) => (handler = h),
    },
    prefer,
  );
  page.on('crash', () => engine.fail('the GPU training window stopped (crashed)'));
  return { page, engine, errors };
}

function relL2(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += a[i] ** 2;
  }
  assert.ok(den > 0, 'all zero');
  return Math.sqrt(num / den);
}

for (const prefer of ['webgpu', 'webgl'] as const satisfies GpuPreference[]) {
  const reason = () => (prefer === 'webgpu' ? available.webgpu : available.webgl2);
  test(`GPU window on ${prefer}: a step's gradients and Adam update equal the Node cpu backend's, and the training loop trains there`, async (t) => {
    if (reason()) return t.skip(reason()!);
    const c = presetConfig('tiny', 16);
    const values = initialValues(c, 42);
    const rng = new Rng(4);
    const count = 4;
    const x1 = new Float32Array(count * 16 * 16 * 3).map(() => rng.uniform(-1, 1));
    const x2 = x1.map((v) => Math.max(-1, Math.min(1, v + 0.1 * rng.normal())));
    const batch = { x1, x2, size: 16, count };
    const { eps, perm } = stepNoise(c, batch, rng);

    await initBackend('cpu');
    const local = new LocalEngine(Params.fromValues(c, values));
    const cpuGrad = new Float32Array(local.params.trainableCount);
    const cpuLoss = await local.gradients(batch, eps, perm, cpuGrad);
    const weights = await local.params.readTrainable();
    local.dispose();

    const { page, engine, errors } = await openWindow(prefer);
    try {
      await engine.load(c, values);
      assert.equal(engine.info.adapter?.api, prefer === 'webgpu' ? 'webgpu' : 'webgl2');
      t.diagnostic(`${engine.info.backend} on ${engine.info.device}`);
      const gpuGrad = new Float32Array(cpuGrad.length);
      const gpuLoss = await engine.gradients(batch, eps, perm, gpuGrad);
      assert.ok(Math.abs(gpuLoss.loss - cpuLoss.loss) < 1e-3 * Math.abs(cpuLoss.loss) + 1e-5, `loss ${cpuLoss.loss} vs ${gpuLoss.loss}`);
      const gradDiff = relL2(cpuGrad, gpuGrad);
      assert.ok(gradDiff < 1e-3, `gradients differ by ${gradDiff} (relative L2)`);
      // The update the main process applies from each gradient.
      const [a, b] = [weights.slice(), weights.slice()];
      adamUpdate(a, cpuGrad, newAdamState(a.length), 1e-3);
      adamUpdate(b, gpuGrad, newAdamState(b.length), 1e-3);
      const updateDiff = relL2(
        a.map((v, i) => v - weights[i]),
        b.map((v, i) => v - weights[i]),
      );
      assert.ok(updateDiff < 1e-3, `Adam updates differ by ${updateDiff} (relative L2)`);
      t.diagnostic(
        `loss ${cpuLoss.loss.toFixed(6)} (cpu) vs ${gpuLoss.loss.toFixed(6)}; gradients rel. L2 ${gradDiff.toExponential(2)}; update rel. L2 ${updateDiff.toExponential(2)}`,
      );

      // The real training loop (what the app's main process runs) with its steps in the window.
      const modelDir = join(tmp, `model-${prefer}`);
      const messages: WorkerMessage[] = [];
      await runTrainingWorker(loopInit(c, modelDir, { photos: 32, maxSteps: 3, checkpointEveryMs: 0 }), (m) => messages.push(m), engine);
      const steps = messages.filter((m) => m.type === 'step');
      assert.equal(steps.length, 3);
      assert.ok(
        steps.every((m) => m.type === 'step' && Number.isFinite(m.losses.loss)),
        `losses: ${JSON.stringify(steps.map((m) => m.type === 'step' && m.losses))}`,
      );
      const ready = messages.find((m) => m.type === 'ready');
      assert.ok(ready && ready.type === 'ready' && ready.backend.includes(prefer === 'webgpu' ? 'webgpu' : 'webgl'), JSON.stringify(ready));
      const done = messages.at(-1)!;
      assert.ok(done.type === 'done' && done.weightsDir && existsSync(join(done.weightsDir, 'weights.bin')), 'weights written');
      t.diagnostic(`3 steps in the window: ${steps.map((m) => (m.type === 'step' ? `${m.stepMs.toFixed(0)} ms` : '')).join(', ')}`);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
}

/** The training loop's set-up for a tiny run on synthetic 16×16 images, one worker (as the app runs it). */
function loopInit(c: ModelConfig, modelDir: string, run: { photos: number; maxSteps: number; checkpointEveryMs: number }): WorkerInit {
  const config = { ...c, batchSize: 8 };
  return {
    workerIndex: 0,
    workerCount: 1,
    config,
    source: { kind: 'synthetic', count: run.photos, size: 16, seed: 1 },
    seed: 5,
    modelDir,
    start: { kind: 'scratch' },
    budget: { maxSteps: run.maxSteps },
    checkpointEveryMs: run.checkpointEveryMs,
    recalibrationBatches: 1,
    shared: sharedBuffers(
      1,
      paramSpecs(config)
        .filter((p) => p.trainable)
        .reduce((n, p) => n + size(p.shape), 0),
    ),
  };
}

test('the GPU window crashing mid-run counts as a lost device: a checkpoint of the last step is written and the loop stops cleanly', async (t) => {
  const backend = !available.webgl2 ? 'webgl' : !available.webgpu ? 'webgpu' : null;
  if (!backend) return t.skip(`${available.webgl2}; ${available.webgpu}`);
  const { page, engine } = await openWindow(backend);
  const c = presetConfig('tiny', 16);
  const modelDir = join(tmp, 'model-crash');
  const messages: WorkerMessage[] = [];
  let crashed = false;
  await runTrainingWorker(
    loopInit(c, modelDir, { photos: 64, maxSteps: 1000, checkpointEveryMs: 60_000 }),
    (m) => {
      messages.push(m);
      if (m.type === 'step' && m.position.step === 2 && !crashed) {
        crashed = true;
        void page.goto('chrome://crash').catch(() => {});
      }
    },
    engine,
  );
  const lost = messages.at(-1)!;
  assert.equal(lost.type, 'deviceLost', JSON.stringify(messages.map((m) => m.type)));
  assert.ok(lost.type === 'deviceLost' && /window stopped .*(crash|closed)/i.test(lost.message) && lost.position.step >= 2);
  const state = JSON.parse(readFileSync(join(modelDir, 'checkpoint', 'state.json'), 'utf8')) as { position: { step: number } };
  assert.equal(state.position.step, lost.type === 'deviceLost' ? lost.position.step : -1, 'the checkpoint is at the last completed step');
  await page.close().catch(() => {});
});
