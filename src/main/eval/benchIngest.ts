// Ingest speed (`likeness bench ingest <folder>`): the full ingest against a bare sharp pipeline
// over the same files (decode + resize to the thumbnail and the model input), with peak memory for
// each, in alternating runs.
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { closeCore, openCore } from '../core';
import { WORKING_SIZE } from '../library/decode';
import { DEFAULT_INPUT_SIZE } from '../library/inputSizes';
import { indexFolders } from '../library/scan';
import { walkPhotos } from '../library/walk';
import { eachConcurrently } from '../util/concurrently';
import { EvalInputError } from './common';

/** Wall time, CPU time of the whole process (all threads) and peak RSS of one run. */
function measure<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number; peakMiB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = performance.now();
  const cpu = process.cpuUsage();
  return run().then((result) => {
    clearInterval(timer);
    const used = process.cpuUsage(cpu);
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, peakMiB: peak / 2 ** 20 };
  });
}

async function barePipeline(paths: string[], concurrency: number): Promise<number> {
  let ok = 0;
  await eachConcurrently(paths, concurrency, async (path) => {
    try {
      const { data, info } = await sharp(await readFile(path), { autoOrient: true })
        .resize(WORKING_SIZE, WORKING_SIZE, { fit: 'inside', withoutEnlargement: true })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
      await Promise.all([
        sharp(data, raw).webp({ quality: 78, effort: 2 }).toBuffer(),
        sharp(data, raw).resize(DEFAULT_INPUT_SIZE, DEFAULT_INPUT_SIZE, { fit: 'fill' }).raw().toBuffer(),
      ]);
      ok++;
    } catch {
      // Files sharp cannot read count for neither pipeline's rate.
    }
  });
  return ok;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One pipeline's figures in one run. */
export interface IngestRun {
  rate: number;
  cpuMsPerPhoto: number;
  peakMiB: number;
}

export interface IngestBenchResult {
  files: number;
  cores: number;
  concurrency: number;
  barePhotosPerSecond: number;
  fullPhotosPerSecond: number;
  ratio: number;
  bareCpuMsPerPhoto: number;
  fullCpuMsPerPhoto: number;
  barePeakRssMiB: number;
  fullPeakRssMiB: number;
}

export interface IngestBenchOptions {
  repeat: number;
  signal?: AbortSignal;
  /** What is measured, before the first run. */
  onStart?: (info: { files: number; meanMegapixels: number; cores: number; repeat: number }) => void;
  /** Each run's figures as it ends (run counts from 0). */
  onRun?: (run: number, bare: IngestRun, full: IngestRun) => void;
}

/** Medians over the runs (peak memory: the largest); the folder is only read. */
export async function benchIngest(folder: string, options: IngestBenchOptions): Promise<IngestBenchResult> {
  const { repeat } = options;
  const { files } = await walkPhotos(folder);
  if (files.length === 0) throw new EvalInputError(`no photos under ${folder}`);
  const paths = files.map((f) => f.path);
  const megapixels = await Promise.all(
    paths.map(async (p) =>
      sharp(p)
        .metadata()
        .then(
          (m) => ((m.width ?? 0) * (m.height ?? 0)) / 1e6,
          () => 0,
        ),
    ),
  );
  const concurrency = Math.max(2, availableParallelism() * 2);
  options.onStart?.({
    files: paths.length,
    meanMegapixels: megapixels.reduce((a, b) => a + b, 0) / paths.length,
    cores: availableParallelism(),
    repeat,
  });

  const bare: IngestRun[] = [];
  const full: IngestRun[] = [];
  for (let run = 0; run < repeat; run++) {
    const b = await measure(() => barePipeline(paths, concurrency));
    bare.push({ rate: b.result / b.seconds, cpuMsPerPhoto: (1000 * b.cpuSeconds) / b.result, peakMiB: b.peakMiB });
    const home = mkdtempSync(join(tmpdir(), 'likeness-bench-'));
    try {
      const core = openCore(home);
      const f = await measure(() => indexFolders(core, [folder], { signal: options.signal }));
      closeCore(core);
      const ingested = f.result.added + f.result.moved;
      full.push({ rate: ingested / f.seconds, cpuMsPerPhoto: (1000 * f.cpuSeconds) / ingested, peakMiB: f.peakMiB });
      options.onRun?.(run, bare[run]!, full[run]!);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
  return {
    files: paths.length,
    cores: availableParallelism(),
    concurrency,
    barePhotosPerSecond: median(bare.map((b) => b.rate)),
    fullPhotosPerSecond: median(full.map((f) => f.rate)),
    ratio: median(full.map((f) => f.rate)) / median(bare.map((b) => b.rate)),
    bareCpuMsPerPhoto: median(bare.map((b) => b.cpuMsPerPhoto)),
    fullCpuMsPerPhoto: median(full.map((f) => f.cpuMsPerPhoto)),
    barePeakRssMiB: Math.max(...bare.map((b) => b.peakMiB)),
    fullPeakRssMiB: Math.max(...full.map((f) => f.peakMiB)),
  };
}
