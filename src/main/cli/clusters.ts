// `likeness clusters`: the library grouped by visual similarity (computed when missing or stale),
// one cluster's photos, and naming a cluster. Computing runs in the app's job queue when the app
// (or serve) is running.
import { clusterPhotoIds, clustersOfClustering, renameCluster } from '../search/service';
import { latestClustering } from '../store/clusters';
import { photoPaths } from '../store/photos';
import { parse, UsageError, type CommandRun } from './command';
import { runHeavy } from './heavy';

const clusterId = (text: string | undefined) => {
  const id = Number(text);
  if (!text || !Number.isInteger(id) || id < 1) throw new UsageError('give a cluster id (see likeness clusters)');
  return id;
};

export const clustersCommand: CommandRun = {
  async run(args, ctx) {
    const { values, positionals } = parse(args, {
      json: { type: 'boolean', default: false },
      recompute: { type: 'boolean', default: false },
      'min-size': { type: 'string' },
      fine: { type: 'boolean', default: false },
      coarse: { type: 'boolean', default: false },
    });
    const core = ctx.core();
    const [action, ...rest] = positionals;
    if (action === 'show') {
      const ids = clusterPhotoIds(core, clusterId(rest[0]));
      const rows = ids.map((id) => ({ id, path: photoPaths(core.db, id)[0] ?? null }));
      if (values.json) ctx.out(JSON.stringify(rows));
      else for (const r of rows) ctx.out(`${String(r.id).padStart(6)}  ${r.path}`);
      return 0;
    }
    if (action === 'rename') {
      const cluster = renameCluster(core, clusterId(rest[0]), rest.slice(1).join(' ') || null);
      ctx.out(values.json ? JSON.stringify(cluster) : `cluster ${cluster.id}: ${cluster.name ?? '(no name)'}`);
      return 0;
    }
    if (action !== undefined) throw new UsageError(`unknown action '${action}'`);
    let minClusterSize: number | undefined;
    if (values['min-size'] !== undefined) {
      minClusterSize = Number(values['min-size']);
      if (!Number.isInteger(minClusterSize) || minClusterSize < 2) throw new UsageError('--min-size must be a whole number ≥ 2');
    }
    if (values.fine && values.coarse) throw new UsageError('--fine or --coarse, not both');
    const selection = values.fine ? 'leaf' : values.coarse ? 'eom' : undefined;
    const { clusteringId } = await runHeavy(
      ctx,
      { kind: 'cluster', mode: 'clusters', force: values.recompute, minClusterSize, selection },
      'neighbour graph',
    );
    const clusters = clustersOfClustering(core, clusteringId);
    if (values.json) {
      ctx.out(
        JSON.stringify(
          clusters.map((c) => ({ ...c, representatives: c.representatives.map((p) => ({ id: p.id, path: photoPaths(core.db, p.id)[0] ?? null })) })),
        ),
      );
      return 0;
    }
    const clustering = latestClustering(core.db);
    for (const c of clusters) {
      ctx.out(`cluster ${c.id}${c.name ? ` “${c.name}”` : ''}: ${c.size} photos`);
      for (const p of c.representatives) ctx.out(`    ${photoPaths(core.db, p.id)[0] ?? p.name}`);
    }
    if (clustering) {
      ctx.out(
        `${clusters.length} clusters; ${clustering.unclustered} of ${clustering.photoCount} photos unclustered ` +
          `(min cluster size ${String(clustering.params.minClusterSize)}, ${clustering.params.selection === 'leaf' ? 'fine' : 'coarse'}, computed ${clustering.createdAt})`,
      );
    }
    return 0;
  },
};
