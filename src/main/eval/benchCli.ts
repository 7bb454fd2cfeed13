// Cold-start cost of the light commands (`likeness bench cli`): how long each takes from a cold
// start, its CPU time and its peak memory, each next to a bare `node -e 0` measured in the same run
// (the ratio is what stays comparable on a busy machine). The commands run as child processes of
// the given launcher on a synthetic library of N photos whose rows and embeddings are written
// straight into SQLite (no image is decoded).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeCore, openCore } from '../core';
import { differenceHash } from '../library/differenceHash';
import { writeEmbeddings } from '../store/embeddings';
import { insertFolder, insertPhoto, recordProblem } from '../store/library';
import { throwIfCancelled } from '../util/progress';
import { seededRandom } from '../util/rng';
import { normaliseRows } from '../util/vectors';
import { activeModelWithoutWeights, barePhoto } from './library';
import { libraryLikeBlobs } from './synthetic';

/**
 * Loaded into each child with --import: prints, as it exits, its peak resident memory (kB) and the
 * CPU time it used (µs). The peak is Linux's VmHWM where there is one: getrusage's maxRSS survives
 * exec, so a child would report this process's own size as its floor.
 */
const REPORT = `data:text/javascript,${encodeURIComponent(`import { readFileSync } from 'node:fs';
process.on('exit', () => {
  const usage = process.resourceUsage();
  let peak = usage.maxRSS;
  try { peak = Number(/VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
  process.stderr.write('\\nlikeness-bench ' + peak + ' ' + (usage.userCPUTime + usage.systemCPUTime) + '\\n');
});`)}`;

interface Case {
  label: string;
  /** node's arguments. */
  argv: string[];
  stdin?: string;
}

export interface CommandFigure {
  label: string;
  /** Median wall time of the runs, ms, spawning the process included. */
  wallMs: number;
  /** The same divided by `node -e 0`'s median in this run. */
  ratio: number;
  /** Median CPU time (user + system, all threads), ms: less sensitive than wall time to other load. */
  cpuMs: number;
  cpuRatio: number;
  peakMiB: number;
  exitCode: number | null;
  error?: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/**
 * Writes a library of `count` bare photos with `dim`-dimensional embeddings of an active model:
 * loose clusters, and one photo in a hundred a near-copy of another (same difference hash, almost
 * the same embedding), as a real library's near-duplicates.
 */
const INPUT_SIDE = 64;

/** A 64×64 RGB picture of random 8×8-pixel blocks. */
function blockyInput(random: () => number): Uint8Array {
  const rgb = new Uint8Array(INPUT_SIDE * INPUT_SIDE * 3);
  const cells = Array.from({ length: 8 * 8 * 3 }, () => Math.floor(random() * 256));
  for (let y = 0; y < INPUT_SIDE; y++)
    for (let x = 0; x < INPUT_SIDE; x++) for (let c = 0; c < 3; c++) rgb[(y * INPUT_SIDE + x) * 3 + c] = cells[((y >> 3) * 8 + (x >> 3)) * 3 + c]!;
  return rgb;
}

function seedLibrary(home: string, count: number, dim: number): { photoPath: string } {
  const random = seededRandom(11);
  const { vectors } = libraryLikeBlobs(count, dim, 1.2, 5);
  // Each photo has a stored 64×64 model input (random 8-pixel blocks) and its hash, as a real
  // library does: Find similar's copies and the duplicate rule read them.
  const inputs = Array.from({ length: count }, () => blockyInput(random));
  for (let copy = 1; copy < count; copy += 100) {
    inputs[copy] = inputs[copy - 1]!;
    for (let j = 0; j < dim; j++) vectors[copy * dim + j] = vectors[(copy - 1) * dim + j]! + (random() - 0.5) * 0.01;
  }
  normaliseRows(vectors, dim);
  const core = openCore(home);
  try {
    const root = join(home, 'photos');
    const folder = insertFolder(core.db, root, '/');
    const photoIds: number[] = [];
    core.db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const rgb = inputs[i]!;
        const photo = barePhoto(i.toString(16).padStart(64, '0'), {
          dhash: differenceHash({ data: rgb, width: INPUT_SIDE, height: INPUT_SIDE }),
          modelInputs: [{ size: INPUT_SIDE, rgb }],
        });
        photoIds.push(insertPhoto(core.db, photo, { path: join(root, `img${i}.jpg`), folderId: folder.id, bytes: 1000, mtimeMs: 0 }));
      }
      for (let i = 0; i < 20; i++)
        recordProblem(core.db, { path: join(root, `bad${i}.jpg`), folderId: folder.id, bytes: 10, mtimeMs: 0 }, 'not an image', 1);
    })();
    const modelId = activeModelWithoutWeights(core, dim, 'bench');
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

interface Run {
  ms: number;
  cpuMs: number;
  peakKiB: number;
  code: number | null;
  stderr: string;
  stdout: string;
}

function runOnce(argv: string[], home: string, stdin?: string): Run {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ['--import', REPORT, ...argv], {
    env: { ...process.env, LIKENESS_HOME: home },
    input: stdin ?? '',
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const ms = performance.now() - t0;
  const match = /likeness-bench (\d+) (\d+)/.exec(child.stderr ?? '');
  return {
    ms,
    cpuMs: match ? Number(match[2]) / 1000 : NaN,
    peakKiB: match ? Number(match[1]) : NaN,
    code: child.status,
    stderr: child.stderr ?? '',
    stdout: child.stdout ?? '',
  };
}

export interface CliBenchOptions {
  /** Photos in the synthetic library, and its embeddings' dimension. */
  count: number;
  dim: number;
  /** Cold starts of each command (round-robin). */
  runs: number;
  /** The `likeness` launcher to run. */
  bin: string;
  signal?: AbortSignal;
  say?: (line: string) => void;
}

/** Each command's medians, `node -e 0` first. */
export async function benchCli(options: CliBenchOptions): Promise<CommandFigure[]> {
  const { count, dim, runs, bin } = options;
  const say = options.say ?? (() => {});
  const home = mkdtempSync(join(tmpdir(), 'likeness-bench-cli-'));
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
      { label: 'node -e 0', argv: ['-e', '0'] },
      ...(
        [
          ['help', ['help']],
          ['status', ['status']],
          ['errors', ['errors']],
          ['folders', ['folders']],
          ['similar <path>', ['similar', photoPath]],
          ['similar <id>', ['similar', '2']],
          ['similar --stdin (100 ids)', ['similar', '--stdin', '--json'], ids],
          ['clusters', ['clusters']],
          ['clusters show <id>', ['clusters', 'show', String(clusterId)]],
          ['duplicates', ['duplicates']],
          ['models', ['models']],
          ['jobs', ['jobs']],
          ['backend', ['backend']],
        ] as [string, string[], string?][]
      ).map(([label, args, stdin]) => ({ label, argv: [bin, ...args], stdin })),
    ];
    const samples = cases.map(() => ({ ms: [] as number[], cpuMs: [] as number[], peakKiB: 0, code: 0 as number | null, error: '' }));
    // Round-robin, so that a burst of load on a shared machine touches every command alike.
    for (let r = 0; r < runs; r++) {
      throwIfCancelled(options.signal);
      cases.forEach((c, i) => {
        const got = runOnce(c.argv, home, c.stdin);
        const s = samples[i]!;
        s.ms.push(got.ms);
        s.cpuMs.push(got.cpuMs);
        s.peakKiB = Math.max(s.peakKiB, got.peakKiB);
        if (got.code !== 0) {
          s.code = got.code;
          s.error = got.stderr.split('\n').find((l) => l.trim() && !l.startsWith('likeness-bench')) ?? '';
        }
      });
    }
    const nodeMs = median(samples[0]!.ms);
    const nodeCpuMs = median(samples[0]!.cpuMs);
    const figures: CommandFigure[] = cases.map((c, i) => {
      const s = samples[i]!;
      const wallMs = median(s.ms);
      const cpuMs = median(s.cpuMs);
      return {
        label: c.label,
        wallMs: Math.round(wallMs),
        ratio: +(wallMs / nodeMs).toFixed(1),
        cpuMs: Math.round(cpuMs),
        cpuRatio: +(cpuMs / nodeCpuMs).toFixed(1),
        peakMiB: Math.round(s.peakKiB / 1024),
        exitCode: s.code,
        ...(s.error ? { error: s.error } : {}),
      };
    });
    return figures;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
