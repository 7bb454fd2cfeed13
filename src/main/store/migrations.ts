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
];
