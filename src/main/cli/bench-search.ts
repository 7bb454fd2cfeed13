// `likeness bench search`: find-similar latency and clustering time on synthetic embeddings of the
// model's dimension (clustered unit vectors, like real embeddings), and the memory they take.
import type { Command } from './command';
import { parse, UsageError } from './command';
import { clusterEmbeddings } from '../search/clustering';
import { seededRandom } from '../util/rng';
import { EmbeddingIndex, QUANTISED_FROM } from '../search/knn';
import { libraryBlobCount, libraryLikeBlobs } from '../eval/synthetic';

interface LatencyFigure {
  dim: number;
  photos: number;
  queries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  buildMs: number;
  indexMb: number;
  /** Float32-only scan (no int8 first pass), for comparison. */
  float32P50Ms: number;
  /** Share of the top-k equal to the float32 scan's (1 = exact). */
  recallVsFloat32: number;
  rescoredPerQuery: number;
}

interface ClusterFigure {
  dim: number;
  photos: number;
  seconds: number;
  clusters: number;
  unclustered: number;
  exactGraph: boolean;
}

const numbers = (text: string, what: string) =>
  text.split(',').map((s) => {
    const v = Number(s.replace(/k$/i, '000').replace(/m$/i, '000000'));
    if (!Number.isInteger(v) || v <= 0) throw new UsageError(`bad ${what}: ${s}`);
    return v;
  });

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const mb = (bytes: number) => Math.round(bytes / 1e6);

export const benchSearchCommand: Command = {
  name: 'search',
  summary: 'find-similar latency (p50/p99) at 10k/100k/1M photos and clustering time at 10k/100k, on synthetic embeddings',
  usage: 'search [--dims 128,256] [--sizes 10k,100k,1m] [--cluster-sizes 10k,100k] [--queries 300] [--k 20] [--json]',
  async run(args, ctx) {
    const { values } = parse(
      args,
      {
        dims: { type: 'string', default: '128,256' },
        sizes: { type: 'string', default: '10k,100k,1m' },
        'cluster-sizes': { type: 'string', default: '10k,100k' },
        queries: { type: 'string', default: '300' },
        k: { type: 'string', default: '20' },
        json: { type: 'boolean', default: false },
      },
      false,
    );
    const dims = numbers(values.dims, 'dims');
    const sizes = numbers(values.sizes, 'sizes');
    const clusterSizes = values['cluster-sizes'] === '0' ? [] : numbers(values['cluster-sizes'], 'cluster sizes');
    const queries = numbers(values.queries, 'queries')[0]!;
    const k = numbers(values.k, 'k')[0]!;
    const say = (line: string) => {
      if (!values.json) ctx.out(line);
    };
    const latency: LatencyFigure[] = [];
    const clustering: ClusterFigure[] = [];
    say(`find similar (exact cosine top ${k}: int8 first pass from ${QUANTISED_FROM} photos + float32 rescoring; ${queries} queries each, one thread, wasm SIMD):`);
    for (const dim of dims) {
      for (const photos of sizes) {
        if (ctx.signal.aborted) return 130;
        const blobs = libraryLikeBlobs(photos, dim, 0.8, dim + photos);
        const built = performance.now();
        const index = new EmbeddingIndex(Array.from({ length: photos }, (_, i) => i + 1), blobs.vectors, dim);
        const buildMs = performance.now() - built;
        blobs.vectors = new Float32Array(0);
        const random = seededRandom(photos);
        for (let w = 0; w < 5; w++) index.searchPhoto(1 + Math.floor(random() * photos), k);
        const times: number[] = [];
        let rescored = 0;
        for (let q = 0; q < queries; q++) {
          const id = 1 + Math.floor(random() * photos);
          const t0 = performance.now();
          index.searchPhoto(id, k);
          times.push(performance.now() - t0);
          rescored += index.lastRescored;
        }
        times.sort((a, b) => a - b);
        const floatTimes: number[] = [];
        let agree = 0;
        const checks = Math.min(50, queries);
        for (let q = 0; q < checks; q++) {
          const row = Math.floor(random() * photos);
          const query = index.vector(row);
          const t0 = performance.now();
          const exact = index.searchExact(query, k, row);
          floatTimes.push(performance.now() - t0);
          const got = new Set(index.search(query, k, row).map((n) => n.row));
          agree += exact.filter((n) => got.has(n.row)).length / exact.length;
        }
        floatTimes.sort((a, b) => a - b);
        const figure: LatencyFigure = {
          dim,
          photos,
          queries,
          p50Ms: +percentile(times, 0.5).toFixed(2),
          p99Ms: +percentile(times, 0.99).toFixed(2),
          maxMs: +times[times.length - 1]!.toFixed(2),
          buildMs: Math.round(buildMs),
          indexMb: mb(index.size * (index.matrix.stride * 4 + (photos >= QUANTISED_FROM ? index.dim : 0))),
          float32P50Ms: +percentile(floatTimes, 0.5).toFixed(2),
          recallVsFloat32: +(agree / checks).toFixed(4),
          rescoredPerQuery: Math.round(rescored / queries),
        };
        latency.push(figure);
        say(
          `  dim ${String(dim).padStart(3)}  ${String(photos).padStart(8)} photos: p50 ${figure.p50Ms.toFixed(2)} ms  p99 ${figure.p99Ms.toFixed(2)} ms  ` +
            `max ${figure.maxMs.toFixed(2)} ms  recall@${k} vs float32 scan ${figure.recallVsFloat32}  (float32 scan alone p50 ${figure.float32P50Ms.toFixed(2)} ms; ` +
            `${figure.rescoredPerQuery} rows rescored/query; index ${figure.indexMb} MB, loaded in ${figure.buildMs} ms; rss ${mb(process.memoryUsage().rss)} MB)`,
        );
      }
    }
    if (clusterSizes.length > 0) say('clusters (HDBSCAN over the kNN graph, min cluster size automatic):');
    for (const dim of dims) {
      for (const photos of clusterSizes) {
        if (ctx.signal.aborted) return 130;
        const blobs = libraryLikeBlobs(photos, dim, 0.8, 3 * dim + photos);
        const index = new EmbeddingIndex(Array.from({ length: photos }, (_, i) => i + 1), blobs.vectors, dim);
        const t0 = performance.now();
        const result = clusterEmbeddings(index, { signal: ctx.signal });
        const seconds = (performance.now() - t0) / 1000;
        const figure: ClusterFigure = {
          dim,
          photos,
          seconds: +seconds.toFixed(1),
          clusters: result.clusters.length,
          unclustered: result.unclustered,
          exactGraph: result.params.exactGraph,
        };
        clustering.push(figure);
        say(
          `  dim ${String(dim).padStart(3)}  ${String(photos).padStart(8)} photos: ${figure.seconds.toFixed(1)} s  → ${figure.clusters} clusters ` +
            `(synthetic: ${libraryBlobCount(photos)} blobs), ${figure.unclustered} unclustered, ${figure.exactGraph ? 'exact' : 'partitioned'} kNN graph; rss ${mb(process.memoryUsage().rss)} MB`,
        );
      }
    }
    const memory = { peakRssMb: mb(process.resourceUsage().maxRSS * 1024), bytesPerPhoto: dims.map((d) => ({ dim: d, bytes: d * 5 })) };
    if (values.json) ctx.out(JSON.stringify({ latency, clustering, memory }, null, 2));
    else
      say(
        `memory: the index holds 4 bytes × dim per photo, plus 1 byte × dim of int8 codes from ${QUANTISED_FROM} photos ` +
          `(${dims.map((d) => `${d}: ${d * 5} B`).join(', ')}); peak rss ${memory.peakRssMb} MB (includes the synthetic data)`,
      );
    return 0;
  },
};
