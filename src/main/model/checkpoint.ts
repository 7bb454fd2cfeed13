// Training checkpoints: weights (same format as a saved version), Adam state and the position in
// the schedule, written to a fresh folder and swapped in, so an interruption at any moment leaves
// either the previous checkpoint or the new one, never half of one.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from './config';
import { loadWeights, saveWeights } from './weightsFile';
import type { AdamState } from './trainer';

export interface TrainPosition {
  step: number;
  epoch: number;
  /** Index into the epoch's order of the next batch. */
  cursor: number;
  photosSeen: number;
  elapsedMs: number;
}

export interface Checkpoint {
  config: ModelConfig;
  values: Map<string, Float32Array>;
  adam: AdamState;
  position: TrainPosition;
}

function floatFile(path: string, a: Float32Array): void {
  writeFileSync(path, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

function readFloatFile(path: string): Float32Array {
  const b = readFileSync(path);
  const out = new Float32Array(b.byteLength / 4);
  Buffer.from(out.buffer).set(b);
  return out;
}

export function saveCheckpoint(modelDir: string, c: Checkpoint): void {
  const next = join(modelDir, 'checkpoint-next');
  const current = join(modelDir, 'checkpoint');
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  saveWeights(next, c.config, c.values);
  floatFile(join(next, 'adam-m.bin'), c.adam.m);
  floatFile(join(next, 'adam-v.bin'), c.adam.v);
  // Written last: a folder with state.json is complete.
  writeFileSync(join(next, 'state.json'), JSON.stringify({ adamStep: c.adam.step, position: c.position }));
  rmSync(current, { recursive: true, force: true });
  renameSync(next, current);
}

export function loadCheckpoint(modelDir: string): Checkpoint | null {
  for (const name of ['checkpoint', 'checkpoint-next']) {
    const dir = join(modelDir, name);
    if (!existsSync(join(dir, 'state.json'))) continue;
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { adamStep: number; position: TrainPosition };
    const { config, values } = loadWeights(dir);
    return {
      config,
      values,
      adam: { step: state.adamStep, m: readFloatFile(join(dir, 'adam-m.bin')), v: readFloatFile(join(dir, 'adam-v.bin')) },
      position: state.position,
    };
  }
  return null;
}

export function removeCheckpoint(modelDir: string): void {
  rmSync(join(modelDir, 'checkpoint'), { recursive: true, force: true });
  rmSync(join(modelDir, 'checkpoint-next'), { recursive: true, force: true });
}
