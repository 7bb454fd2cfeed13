// Model weights on disk: raw little-endian float32 (weights.bin) with a JSON manifest, written
// atomically. Kept apart from params.ts so that file stays free of Node imports.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from './config';
import { paramSpecs, size, type WeightsManifest } from './params';

/** Writes manifest.json + weights.bin into dir (atomically: a half-written checkpoint is never read). */
export function saveWeights(dir: string, config: ModelConfig, values: Map<string, Float32Array>, specs = paramSpecs(config)): void {
  mkdirSync(dir, { recursive: true });
  let offset = 0;
  const tensors = specs.map((s) => {
    const entry = { name: s.name, shape: s.shape, offset };
    offset += size(s.shape) * 4;
    return entry;
  });
  const buf = Buffer.alloc(offset);
  for (const t of tensors) {
    const v = values.get(t.name)!;
    for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i], t.offset + 4 * i);
  }
  const manifest: WeightsManifest = { format: 'likeness-weights-1', config, tensors, byteLength: offset };
  writeFileSync(join(dir, 'weights.bin.tmp'), buf);
  writeFileSync(join(dir, 'manifest.json.tmp'), JSON.stringify(manifest, null, 1));
  renameSync(join(dir, 'weights.bin.tmp'), join(dir, 'weights.bin'));
  renameSync(join(dir, 'manifest.json.tmp'), join(dir, 'manifest.json'));
}

export function loadWeights(dir: string): { config: ModelConfig; values: Map<string, Float32Array> } {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as WeightsManifest;
  if (manifest.format !== 'likeness-weights-1') throw new Error(`${dir}: unknown weights format ${manifest.format}`);
  const buf = readFileSync(join(dir, 'weights.bin'));
  if (buf.length !== manifest.byteLength) throw new Error(`${dir}: weights.bin is ${buf.length} bytes, expected ${manifest.byteLength}`);
  const values = new Map<string, Float32Array>();
  for (const t of manifest.tensors) {
    const n = size(t.shape);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = buf.readFloatLE(t.offset + 4 * i);
    values.set(t.name, v);
  }
  return { config: manifest.config, values };
}
