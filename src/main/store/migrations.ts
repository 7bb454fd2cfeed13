// Versioned schema migrations. Each entry runs once, in order, inside a transaction; the applied
// version is kept in PRAGMA user_version. Never edit a migration that has shipped: add a new one.
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'library: folders, photos identified by content, their paths, problems and model inputs',
    sql: `
      CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'online' CHECK (status IN ('online', 'offline')),
        added_at TEXT NOT NULL,
        last_scan_at TEXT
      );
      -- One row per distinct content (size + SHA-256): the same bytes at two paths are one photo.
      CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        bytes INTEGER NOT NULL,
        format TEXT NOT NULL,
        width INTEGER NOT NULL,   -- as displayed, after EXIF orientation
        height INTEGER NOT NULL,
        orientation INTEGER NOT NULL DEFAULT 1,
        taken_at TEXT,            -- ISO 8601 from EXIF, local time as recorded by the camera
        camera_make TEXT,
        camera_model TEXT,
        gps_lat REAL,
        gps_lon REAL,
        dhash BLOB,               -- 64-bit difference hash of the upright image (near-duplicates)
        added_at TEXT NOT NULL
      );
      CREATE INDEX photos_taken_at ON photos (taken_at);
      CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        folder_id INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
        bytes INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL
      );
      CREATE INDEX files_photo ON files (photo_id);
      CREATE INDEX files_folder ON files (folder_id);
      -- Files that could not be read or decoded, with the reason. Skipped on re-scan while unchanged.
      CREATE TABLE file_problems (
        path TEXT PRIMARY KEY,
        folder_id INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
        bytes INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        decoder_version INTEGER NOT NULL  -- a newer decoder tries the file again
      );
      -- Square RGB model inputs (uint8, HWC), one per photo and input size.
      CREATE TABLE model_inputs (
        photo_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
        size INTEGER NOT NULL,
        rgb BLOB NOT NULL,
        PRIMARY KEY (photo_id, size)
      ) WITHOUT ROWID;
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL       -- JSON
      );
    `,
  },
  {
    version: 2,
    description: 'models: versions, their loss history and the embeddings they produce',
    sql: `
      CREATE TABLE model_versions (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('training', 'ready', 'active', 'failed', 'retired')),
        config TEXT NOT NULL,     -- JSON: input size, architecture, loss weights, estimator, ...
        backend TEXT,
        device TEXT,
        input_size INTEGER NOT NULL,
        embedding_dim INTEGER NOT NULL,
        photos_seen INTEGER NOT NULL DEFAULT 0,
        steps INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        parent_id INTEGER REFERENCES model_versions (id) ON DELETE SET NULL,
        weights_path TEXT,        -- relative to the data directory
        quality TEXT,             -- JSON: gate measurements
        note TEXT,
        activated_at TEXT
      );
      CREATE TABLE loss_history (
        model_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        loss REAL NOT NULL,
        global_mi REAL NOT NULL,
        local_mi REAL NOT NULL,
        prior REAL NOT NULL,
        PRIMARY KEY (model_id, step)
      ) WITHOUT ROWID;
      -- mu(x), L2-normalised, float32 little-endian.
      CREATE TABLE embeddings (
        model_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
        vector BLOB NOT NULL,
        PRIMARY KEY (model_id, photo_id)
      ) WITHOUT ROWID;
      CREATE INDEX embeddings_photo ON embeddings (photo_id);
    `,
  },
  {
    version: 3,
    description: 'search: clusters per model version with user names, near-duplicate groups, change counters',
    sql: `
      -- One clustering per run; clusters belong to the model whose embeddings made them.
      CREATE TABLE clusterings (
        id INTEGER PRIMARY KEY,
        model_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        generation INTEGER NOT NULL,  -- change counter of the embeddings it was computed from
        params TEXT NOT NULL,         -- JSON: algorithm and its parameters
        photo_count INTEGER NOT NULL,
        unclustered INTEGER NOT NULL
      );
      CREATE INDEX clusterings_model ON clusterings (model_id);
      CREATE TABLE clusters (
        id INTEGER PRIMARY KEY,
        clustering_id INTEGER NOT NULL REFERENCES clusterings (id) ON DELETE CASCADE,
        name TEXT,                    -- given by the user; carried to the matching cluster when recomputed
        position INTEGER NOT NULL,    -- display order: largest first
        representatives TEXT NOT NULL -- JSON photo ids, closest to the centre first
      );
      CREATE INDEX clusters_clustering ON clusters (clustering_id);
      CREATE TABLE cluster_members (
        cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
        similarity REAL NOT NULL,     -- cosine to the cluster centre
        PRIMARY KEY (cluster_id, photo_id)
      ) WITHOUT ROWID;
      CREATE INDEX cluster_members_photo ON cluster_members (photo_id);
      -- Near-duplicate groups, valid for the library state named by fingerprint.
      CREATE TABLE duplicate_groups (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        keeper_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE
      );
      CREATE TABLE duplicate_members (
        group_id INTEGER NOT NULL REFERENCES duplicate_groups (id) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, photo_id)
      ) WITHOUT ROWID;
      -- Counters bumped by triggers whenever photos or a model's embeddings change, so search can
      -- tell in one lookup whether its in-memory index, clusters or duplicate groups are stale.
      CREATE TABLE change_counters (
        name TEXT PRIMARY KEY,        -- 'photos' or 'embeddings:<model id>'
        generation INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TRIGGER photos_insert_counted AFTER INSERT ON photos BEGIN
        INSERT INTO change_counters VALUES ('photos', 1) ON CONFLICT (name) DO UPDATE SET generation = generation + 1;
      END;
      CREATE TRIGGER photos_delete_counted AFTER DELETE ON photos BEGIN
        INSERT INTO change_counters VALUES ('photos', 1) ON CONFLICT (name) DO UPDATE SET generation = generation + 1;
      END;
      CREATE TRIGGER photos_update_counted AFTER UPDATE OF dhash, width, height, taken_at ON photos BEGIN
        INSERT INTO change_counters VALUES ('photos', 1) ON CONFLICT (name) DO UPDATE SET generation = generation + 1;
      END;
      CREATE TRIGGER embeddings_insert_counted AFTER INSERT ON embeddings BEGIN
        INSERT INTO change_counters VALUES ('embeddings:' || NEW.model_id, 1)
          ON CONFLICT (name) DO UPDATE SET generation = generation + 1;
      END;
      CREATE TRIGGER embeddings_delete_counted AFTER DELETE ON embeddings BEGIN
        INSERT INTO change_counters VALUES ('embeddings:' || OLD.model_id, 1)
          ON CONFLICT (name) DO UPDATE SET generation = generation + 1;
      END;
      CREATE TRIGGER embeddings_update_counted AFTER UPDATE ON embeddings BEGIN
        INSERT INTO change_counters VALUES ('embeddings:' || NEW.model_id, 1)
          ON CONFLICT (name) DO UPDATE SET generation = generation + 1;
      END;
    `,
  },
  {
    version: 4,
    description: 'jobs: the job queue, persisted so that work interrupted by a crash or a power cut resumes',
    sql: `
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
        params TEXT NOT NULL DEFAULT '{}',  -- JSON: what is needed to start the work again
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        message TEXT NOT NULL DEFAULT '',
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX jobs_unfinished ON jobs (state) WHERE state IN ('queued', 'running', 'paused');
    `,
  },
  {
    version: 5,
    description: 'library: indexes that let the grid page through 100k+ photos by date without sorting them all',
    sql: `
      CREATE INDEX photos_taken_desc ON photos ((taken_at IS NULL), taken_at DESC, id DESC);
      CREATE INDEX photos_taken_asc ON photos ((taken_at IS NULL), taken_at ASC, id ASC);
      -- "Is this photo in that folder?" answered from the index alone, for the folder filter.
      DROP INDEX files_photo;
      CREATE INDEX files_photo ON files (photo_id, folder_id);
    `,
  },
  {
    version: 6,
    description: 'jobs: requests from another process (likeness jobs cancel|pause|resume) to the one running the queue',
    sql: `
      ALTER TABLE jobs ADD COLUMN requested TEXT CHECK (requested IN ('cancel', 'pause', 'resume'));
    `,
  },
  {
    version: 7,
    description: 'jobs: process locks (queue owner, computing) in a table of their own, out of the user settings',
    sql: `
      CREATE TABLE process_locks (
        name TEXT PRIMARY KEY CHECK (name IN ('queue-owner', 'computing')),
        pid INTEGER NOT NULL,
        what TEXT NOT NULL,
        since TEXT NOT NULL
      );
      INSERT INTO process_locks (name, pid, what, since)
        SELECT 'queue-owner', json_extract(value, '$.pid'), 'running the job queue', coalesce(json_extract(value, '$.startedAt'), '')
        FROM settings WHERE key = 'jobs.owner' AND json_extract(value, '$.pid') IS NOT NULL;
      INSERT INTO process_locks (name, pid, what, since)
        SELECT 'computing', json_extract(value, '$.pid'), coalesce(json_extract(value, '$.what'), 'computing'), coalesce(json_extract(value, '$.since'), '')
        FROM settings WHERE key = 'jobs.computing' AND json_extract(value, '$.pid') IS NOT NULL;
      DELETE FROM settings WHERE key IN ('jobs.owner', 'jobs.computing');
    `,
  },
  {
    version: 8,
    description: 'library: lens, RAW+JPEG stacks and bursts',
    sql: `
      ALTER TABLE photos ADD COLUMN lens_model TEXT;
      -- A RAW file and the JPEG of the same shot are one photo to the user: each member of a stack
      -- has a row, face_id names the member the grid shows (the JPEG). Recomputed after each scan.
      CREATE TABLE stack_members (
        photo_id INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
        face_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE
      );
      CREATE INDEX stack_members_face ON stack_members (face_id);
      -- Photos from one camera within seconds of each other that look alike; burst_id is the
      -- lowest photo id in the burst. Recomputed after each scan.
      CREATE TABLE burst_members (
        photo_id INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
        burst_id INTEGER NOT NULL
      );
      CREATE INDEX burst_members_burst ON burst_members (burst_id);
    `,
  },
  {
    version: 9,
    description: 'duplicates: kind of each group, decisions kept across regrouping, a journal of files moved to the trash',
    sql: `
      ALTER TABLE duplicate_groups ADD COLUMN kind TEXT NOT NULL DEFAULT 'copies' CHECK (kind IN ('copies', 'similar'));
      -- "Not duplicates" / "keep all", keyed by the photos' content hashes (ids change when a photo is re-added).
      CREATE TABLE duplicate_decisions (
        id INTEGER PRIMARY KEY,
        decision TEXT NOT NULL CHECK (decision IN ('not-duplicates', 'keep-all')),
        at TEXT NOT NULL
      );
      CREATE TABLE duplicate_decision_members (
        decision_id INTEGER NOT NULL REFERENCES duplicate_decisions (id) ON DELETE CASCADE,
        content_hash TEXT NOT NULL,
        PRIMARY KEY (decision_id, content_hash)
      ) WITHOUT ROWID;
      CREATE INDEX duplicate_decision_members_hash ON duplicate_decision_members (content_hash);
      -- One row per "resolve": the rejected files of one or more groups moved to the trash.
      CREATE TABLE trash_batches (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        undone_at TEXT
      );
      -- Written before a file is moved (state 'pending') and updated after, so that a kill at any
      -- moment leaves a row saying which file may be in flight: the next start looks for it.
      CREATE TABLE trash_items (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES trash_batches (id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'trashed', 'skipped', 'restored')),
        trash_path TEXT,          -- where the file went, where the platform tells (freedesktop .trashinfo)
        info_path TEXT,
        reason TEXT               -- why a file was skipped or could not be restored
      );
      CREATE INDEX trash_items_batch ON trash_items (batch_id);
      CREATE INDEX trash_items_pending ON trash_items (state) WHERE state = 'pending';
    `,
  },
];
