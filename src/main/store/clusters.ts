// SQL for clusterings (one per run, per model version), their clusters, members and names.
import type { Db } from './db';
import { nowIso } from './db';

export interface ClusteringRow {
  id: number;
  modelId: number;
  createdAt: string;
  generation: number;
  params: Record<string, unknown>;
  photoCount: number;
  unclustered: number;
}

export interface ClusterRow {
  id: number;
  clusteringId: number;
  name: string | null;
  size: number;
  representatives: number[];
}

export interface NewCluster {
  /** Reuse this id (a matching cluster of the clustering being replaced), or null for a new one. */
  id: number | null;
  name: string | null;
  memberIds: number[];
  similarities: number[];
  representatives: number[];
}

interface RawClustering {
  id: number;
  model_id: number;
  created_at: string;
  generation: number;
  params: string;
  photo_count: number;
  unclustered: number;
}

function toClustering(r: RawClustering): ClusteringRow {
  return {
    id: r.id,
    modelId: r.model_id,
    createdAt: r.created_at,
    generation: r.generation,
    params: JSON.parse(r.params) as Record<string, unknown>,
    photoCount: r.photo_count,
    unclustered: r.unclustered,
  };
}

/** The newest clustering of a model, or of any model when modelId is undefined. */
export function latestClustering(db: Db, modelId?: number): ClusteringRow | null {
  const row = (
    modelId === undefined
      ? db.prepare('SELECT * FROM clusterings ORDER BY id DESC LIMIT 1').get()
      : db.prepare('SELECT * FROM clusterings WHERE model_id = ? ORDER BY id DESC LIMIT 1').get(modelId)
  ) as RawClustering | undefined;
  return row ? toClustering(row) : null;
}

const CLUSTER_COLUMNS = `c.id, c.clustering_id, c.name, c.representatives,
  (SELECT count(*) FROM cluster_members m WHERE m.cluster_id = c.id) AS size`;

interface RawCluster {
  id: number;
  clustering_id: number;
  name: string | null;
  representatives: string;
  size: number;
}

function toCluster(r: RawCluster): ClusterRow {
  return { id: r.id, clusteringId: r.clustering_id, name: r.name, size: r.size, representatives: JSON.parse(r.representatives) as number[] };
}

export function clustersOf(db: Db, clusteringId: number): ClusterRow[] {
  const rows = db
    .prepare(`SELECT ${CLUSTER_COLUMNS} FROM clusters c WHERE c.clustering_id = ? ORDER BY c.position`)
    .all(clusteringId) as RawCluster[];
  return rows.map(toCluster);
}

export function clusterById(db: Db, id: number): ClusterRow | null {
  const row = db.prepare(`SELECT ${CLUSTER_COLUMNS} FROM clusters c WHERE c.id = ?`).get(id) as RawCluster | undefined;
  return row ? toCluster(row) : null;
}

/** Member photo ids, closest to the cluster's centre first. */
export function clusterMemberIds(db: Db, clusterId: number): number[] {
  const rows = db.prepare('SELECT photo_id AS id FROM cluster_members WHERE cluster_id = ? ORDER BY similarity DESC, photo_id').all(clusterId) as {
    id: number;
  }[];
  return rows.map((r) => r.id);
}

/** Every cluster of a clustering with its members and name, for matching against a new clustering. */
export function clusterMemberships(db: Db, clusteringId: number): { id: number; name: string | null; memberIds: number[] }[] {
  const clusters = db.prepare('SELECT id, name FROM clusters WHERE clustering_id = ? ORDER BY position').all(clusteringId) as {
    id: number;
    name: string | null;
  }[];
  return clusters.map((c) => ({ ...c, memberIds: clusterMemberIds(db, c.id) }));
}

export function setClusterName(db: Db, id: number, name: string | null): boolean {
  return db.prepare('UPDATE clusters SET name = ? WHERE id = ?').run(name, id).changes > 0;
}

/**
 * Stores a new clustering for a model, replacing that model's previous ones (whose matching
 * clusters keep their ids through NewCluster.id) in one transaction.
 */
export function saveClustering(
  db: Db,
  modelId: number,
  generation: number,
  params: Record<string, unknown>,
  photoCount: number,
  clusters: NewCluster[],
): ClusteringRow {
  return db.transaction(() => {
    db.prepare('DELETE FROM clusterings WHERE model_id = ?').run(modelId);
    const unclustered = photoCount - clusters.reduce((sum, c) => sum + c.memberIds.length, 0);
    const clusteringId = Number(
      db
        .prepare('INSERT INTO clusterings (model_id, created_at, generation, params, photo_count, unclustered) VALUES (?, ?, ?, ?, ?, ?)')
        .run(modelId, nowIso(), generation, JSON.stringify(params), photoCount, unclustered).lastInsertRowid,
    );
    const insertCluster = db.prepare('INSERT INTO clusters (id, clustering_id, name, position, representatives) VALUES (?, ?, ?, ?, ?)');
    const insertMember = db.prepare('INSERT INTO cluster_members (cluster_id, photo_id, similarity) VALUES (?, ?, ?)');
    // Clusters keeping an old id go in first: SQLite gives a new row max(id) + 1, which could
    // otherwise take an id a later cluster is meant to keep.
    const order = clusters.map((c, position) => ({ c, position })).sort((a, b) => Number(a.c.id === null) - Number(b.c.id === null));
    for (const { c, position } of order) {
      const id = Number(insertCluster.run(c.id, clusteringId, c.name, position, JSON.stringify(c.representatives)).lastInsertRowid);
      c.memberIds.forEach((photoId, i) => insertMember.run(id, photoId, c.similarities[i]!));
    }
    return toClustering(db.prepare('SELECT * FROM clusterings WHERE id = ?').get(clusteringId) as RawClustering);
  })();
}
