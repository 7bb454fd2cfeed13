// `likeness bench cli`: how long each light command takes from a cold start, and its peak memory,
// each next to a bare `node -e 0` measured in the same run (the ratio is what stays comparable on a
// busy machine). The commands run as child processes on a synthetic library of N photos whose rows
// and embeddings are written straight into SQLite (no image is decoded).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeCore, openCore } from '../core';
import { seededRandom } from '../search/graph';
import { syntheticBlobs } from '../search/synthetic';
import { writeEmbeddings } from '../store/embeddings';
import { insertFolder, insertPhoto, recordProblem } from '../store/library';
import { activateModel, createModel, finishModel } from '../store/models';
import { parse, UsageError, type Command } from './command';

/** Loaded into each child with --import: prints its peak resident memory as it exits. */
const REPORT_MAX_RSS = `data:text/javascript,${encodeURIComponent("process.on('exit',()=>process.stderr.write('\\nmax-rss-kb '+process.resourceUsage().maxRSS+'\\n'))")}`;

interface Case {
  label: string;
  args: string[];
  stdin?: string;
}

interface Figure {
  label: string;
  /** Median wall time of the runs, ms, spawning the process included. */
  wallMs: number;
  /** The same divided by `node -e 0`'s median in this run. */
  ratio: number;
  peakMiB: number;
  exitCode: number | null;
  error?: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/** Writes a library of `count` bare photos with `dim`-dimensional embeddings of an active model. */
function seedLibrary(home: string, count: number, dim: number): { photoPath: string } {
  const core = openCore(home);
  try {
    const root = join(home, 'photos');
    const folder = insertFolder(core.db, root, '/');
    const random = seededRandom(11);
    const photoIds: number[] = [];
    core.db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const dhash = Buffer.from(Array.from({ length: 8 }, () => Math.floor(random() * 256)));
        const facts = { contentHash: i.toString(16).padStart(64, '0'), bytes: 1000, format: 'jpeg', width: 640, height: 480, orientation: 1 };
        const empty = { takenAt: null, cameraMake: null, cameraModel: null, latitude: null, longitude: null, dhash, modelInputs: [] };
        photoIds.push(insertPhoto(core.db, { ...facts, ...empty }, { path: join(root, `img${i}.jpg`), folderId: folder.id, bytes: 1000, mtimeMs: 0 }));
      }
      for (let i = 0; i < 20; i++) recordProblem(core.db, { path: join(root, `bad${i}.jpg`), folderId: folder.id, bytes: 10, mtimeMs: 0 }, 'not an image', 1);
    })();
    const modelId = createModel(core.db, { config: {}, inputSize: 64, embeddingDim: dim, backend: 'bench', device: 'bench', parentId: null, weightsPath: null });
    finishModel(core.db, modelId, { status: 'ready' });
    activateModel(core.db, modelId);
    const { vectors } = syntheticBlobs(count, dim, Math.max(10, Math.round(Math.sqrt(count))), 0.6, Math.floor(count / 100), 5);
    writeEmbeddings(
      core.db,
      modelId,
      photoIds.map((photoId, r) => ({ photoId, vector: vectors.slice(r * dim, (r + 1) * dim) })),
    );
    return { photoPath: join(root, 'img0.jpg') };
  } finally {
    closeCore(core);
  }
}

function runOnce(argv: string[], home: string, stdin?: string): { ms: number; peakKiB: number; code: number | null; stderr: string; stdout: string } {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ['--import', REPORT_MAX_RSS, ...argv], {
    env: { ...process.env, LIKENESS_HOME: home },
    input: stdin ?? '',
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const ms = performance.now() - t0;
  const match = /max-rss-kb (\d+)/.exec(child.stderr ?? '');
  return { ms, peakKiB: match ? Number(match[1]) : NaN, code: child.status, stderr: child.stderr ?? '', stdout: child.stdout ?? '' };
}

export const benchCliCommand: Command = {
  name: 'cli',
  summary: "each light command's wall time and peak memory from a cold start, and the ratio to `node -e 0`",
  usage: 'cli [--photos 10000] [--dim 128] [--runs 5] [--bin <likeness launcher>] [--json]',
  async run(args, ctx) {
    const { values } = parse(
      args,
      {
        photos: { type: 'string', default: '10000' },
        dim: { type: 'string', default: '128' },
        runs: { type: 'string', default: '5' },
        bin: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      false,
    );
    const count = Number(values.photos.replace(/k$/i, '000'));
    const dim = Number(values.dim);
    const runs = Number(values.runs);
    for (const [name, v] of [['--photos', count], ['--dim', dim], ['--runs', runs]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new UsageError(`${name} must be a positive whole number`);
    }
    // The launcher this process was started with, unless another checkout's is given.
    const bin = resolve(values.bin ?? process.argv[1]!);
    const home = mkdtempSync(join(tmpdir(), 'likeness-bench-cli-'));
    const say = (line: string) => {
      if (!values.json) ctx.out(line);
    };
    try {
      say(`seeding a library of ${count} photos (${dim}-d embeddings) in ${home} …`);
      const { photoPath } = seedLibrary(home, count, dim);
      // Clusters and near-duplicate groups are computed once here, so that the runs below list them.
      say('computing clusters and near-duplicate groups once …');
      const warm = runOnce([bin, 'clusters', '--json'], home);
      const clusterId = warm.code === 0 ? ((JSON.parse(warm.stdout) as { id: number }[])[0]?.id ?? 1) : 1;
      runOnce([bin, 'duplicates'], home);
      const ids = Array.from({ length: 100 }, (_, i) => String(1 + ((i * 97) % count))).join('\n') + '\n';
      const cases: Case[] = [
        { label: 'help', args: ['help'] },
        { label: 'status', args: ['status'] },
        { label: 'errors', args: ['errors'] },
        { label: 'folders', args: ['folders'] },
        { label: 'similar <path>', args: ['similar', photoPath] },
        { label: 'similar <id>', args: ['similar', '2'] },
        { label: 'similar --stdin (100 ids)', args: ['similar', '--stdin', '--json'], stdin: ids },
        { label: 'clusters', args: ['clusters'] },
        { label: 'clusters show <id>', args: ['clusters', 'show', String(clusterId)] },
        { label: 'duplicates', args: ['duplicates'] },
        { label: 'models', args: ['models'] },
        { label: 'jobs', args: ['jobs'] },
        { label: 'backend', args: ['backend'] },
      ];
      const baseline: number[] = [];
      let baselinePeak = 0;
      const samples = cases.map(() => ({ ms: [] as number[], peakKiB: 0, code: 0 as number | null, error: '' }));
      // Round-robin, so that a burst of load on a shared machine touches every command alike.
      for (let r = 0; r < runs; r++) {
        if (ctx.signal.aborted) return 130;
        const base = runOnce(['-e', '0'], home);
        baseline.push(base.ms);
        baselinePeak = Math.max(baselinePeak, base.peakKiB);
        cases.forEach((c, i) => {
          const got = runOnce([bin, ...c.args], home, c.stdin);
          const s = samples[i]!;
          s.ms.push(got.ms);
          s.peakKiB = Math.max(s.peakKiB, got.peakKiB);
          if (got.code !== 0) {
            s.code = got.code;
            s.error = got.stderr.split('\n').find((l) => l.trim() && !l.startsWith('max-rss-kb')) ?? '';
          }
        });
      }
      const nodeMs = median(baseline);
      const figures: Figure[] = cases.map((c, i) => {
        const s = samples[i]!;
        const wallMs = median(s.ms);
        return { label: c.label, wallMs: Math.round(wallMs), ratio: +(wallMs / nodeMs).toFixed(1), peakMiB: Math.round(s.peakKiB / 1024), exitCode: s.code, ...(s.error ? { error: s.error } : {}) };
      });
      const node = { wallMs: Math.round(nodeMs), peakMiB: Math.round(baselinePeak / 1024) };
      if (values.json) {
        ctx.out(JSON.stringify({ photos: count, dim, runs, bin, node: process.version, nodeBaseline: node, commands: figures }, null, 2));
        return 0;
      }
      say(`median of ${runs} cold starts each (${process.version}; ${bin}):`);
      say(`  ${'node -e 0'.padEnd(28)} ${String(node.wallMs).padStart(6)} ms   1.0×  ${String(node.peakMiB).padStart(4)} MiB`);
      for (const f of figures) {
        say(
          `  ${f.label.padEnd(28)} ${String(f.wallMs).padStart(6)} ms ${f.ratio.toFixed(1).padStart(5)}×  ${String(f.peakMiB).padStart(4)} MiB` +
            (f.exitCode !== 0 ? `  (exit ${f.exitCode}: ${f.error})` : ''),
        );
      }
      return 0;
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  },
};
