// `likeness bench search`: find-similar latency and clustering time on synthetic embeddings of the
// model's dimension (clustered unit vectors, like real embeddings), and the memory they take
// (src/main/eval/benchSearch.ts measures; this file parses and prints).
import { clusteringFigures, latencyFigures, mb, type ClusterFigure, type LatencyFigure } from '../eval/benchSearch';
import { libraryBlobCount } from '../eval/synthetic';
import { QUANTISED_FROM } from '../search/knn';
import { CancelledError } from '../util/progress';
import type { Command } from './command';
import { parse, UsageError } from './command';

const numbers = (text: string, what: string) =>
  text.split(',').map((s) => {
    const v = Number(s.replace(/k$/i, '000').replace(/m$/i, '000000'));
    if (!Number.isInteger(v) || v <= 0) throw new UsageError(`bad ${what}: ${s}`);
    return v;
  });

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
    say(
      `find similar (exact cosine top ${k}: int8 first pass from ${QUANTISED_FROM} photos + float32 rescoring; ${queries} queries each, one thread, wasm SIMD):`,
    );
    let latency: LatencyFigure[];
    let clustering: ClusterFigure[];
    try {
      latency = latencyFigures(dims, sizes, queries, k, ctx.signal, (figure) =>
        say(
          `  dim ${String(figure.dim).padStart(3)}  ${String(figure.photos).padStart(8)} photos: p50 ${figure.p50Ms.toFixed(2)} ms  p99 ${figure.p99Ms.toFixed(2)} ms  ` +
            `max ${figure.maxMs.toFixed(2)} ms  recall@${k} vs float32 scan ${figure.recallVsFloat32}  (float32 scan alone p50 ${figure.float32P50Ms.toFixed(2)} ms; ` +
            `${figure.rescoredPerQuery} rows rescored/query; index ${figure.indexMb} MB, loaded in ${figure.buildMs} ms; rss ${mb(process.memoryUsage().rss)} MB)`,
        ),
      );
      if (clusterSizes.length > 0) say('clusters (HDBSCAN over the kNN graph, min cluster size automatic):');
      clustering = clusteringFigures(dims, clusterSizes, ctx.signal, (figure) =>
        say(
          `  dim ${String(figure.dim).padStart(3)}  ${String(figure.photos).padStart(8)} photos: ${figure.seconds.toFixed(1)} s  → ${figure.clusters} clusters ` +
            `(synthetic: ${libraryBlobCount(figure.photos)} blobs), ${figure.unclustered} unclustered, ${figure.exactGraph ? 'exact' : 'partitioned'} kNN graph; rss ${mb(process.memoryUsage().rss)} MB`,
        ),
      );
    } catch (e) {
      // Stopped (Ctrl-C) between two measurements: the figures so far are not printed, as before.
      if (e instanceof CancelledError) return 130;
      throw e;
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
