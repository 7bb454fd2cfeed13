// The library's settings: a small key → JSON table, read and written only through this registry.
// Each key has a schema and a default: a value that does not fit its schema (hand-edited, written by
// another version) reads as the default instead of reaching the code as an unchecked cast.
import { z } from 'zod';
import type { Db } from './db';

const backendChoice = z.enum(['auto', 'webgpu', 'wasm', 'cpu', 'tensorflow']);
const hour = z.number().int().min(0).max(23);

export const SETTINGS = {
  /** The training/embedding backend the user chose (`likeness backend`, the Training screen). */
  'model.backend': { schema: backendChoice, fallback: 'auto' as z.infer<typeof backendChoice> },
  /** The model input size new photos are prepared at. */
  'model.inputSize': { schema: z.number().int().min(16).max(512), fallback: 64 },
  /** Overnight retraining: the user's changes to the default schedule. */
  'retrain.schedule': {
    schema: z
      .object({ enabled: z.boolean(), startHour: hour, endHour: hour, minIdleMinutes: z.number().min(0), requireMains: z.boolean() })
      .partial(),
    fallback: {},
  },
  /** When the last retrain finished (ISO 8601). */
  'retrain.lastAt': { schema: z.string().nullable(), fallback: null as string | null },
  /** The first model trained by itself: on or off, and its time limit. */
  firstModel: { schema: z.object({ enabled: z.boolean(), maxMinutes: z.number().positive() }).partial(), fallback: {} },
  /** The version of the stack and burst rules the stored groups were made with. */
  'library.stacksAndBurstsVersion': { schema: z.number().int(), fallback: 0 },
  /** What the stored near-duplicate groups were computed from. */
  'search.duplicates.fingerprint': { schema: z.string().nullable(), fallback: null as string | null },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTINGS)[K]['schema']>;

export function getSetting<K extends SettingKey>(db: Db, key: K): SettingValue<K> {
  const { schema, fallback } = SETTINGS[key];
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  if (!row) return fallback as SettingValue<K>;
  let stored: unknown;
  try {
    stored = JSON.parse(row.value);
  } catch {
    return fallback as SettingValue<K>;
  }
  const parsed = schema.safeParse(stored);
  return (parsed.success ? parsed.data : fallback) as SettingValue<K>;
}

export function setSetting<K extends SettingKey>(db: Db, key: K, value: SettingValue<K>): void {
  const checked = SETTINGS[key].schema.parse(value);
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    key,
    JSON.stringify(checked),
  );
}
