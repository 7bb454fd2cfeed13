// The model's parameters as named tensors, created from the config with a seeded initialisation
// (so every data-parallel worker starts identical), and saved as raw little-endian float32 with a
// JSON manifest (weightsFile.ts): loading gives back exactly the same bits. No Node imports here:
// the desktop app's GPU training window runs this same file in Chromium.
import * as tf from '@tensorflow/tfjs';
import { localBlock, mapSize, type ModelConfig } from './config';
import { Rng } from '../util/rng';

type Init = 'he' | 'glorot' | 'zeros' | 'ones' | 'small';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: Init;
  /** false for batch-norm statistics, which are measured, not learned. */
  trainable: boolean;
}

export function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function dense(specs: ParamSpec[], name: string, inDim: number, outDim: number, init: Init = 'he'): void {
  specs.push({ name: `${name}/w`, shape: [inDim, outDim], init, trainable: true });
  specs.push({ name: `${name}/b`, shape: [outDim], init: 'zeros', trainable: true });
}

function convBn(specs: ParamSpec[], name: string, inC: number, outC: number): void {
  specs.push({ name: `${name}/w`, shape: [3, 3, inC, outC], init: 'he', trainable: true });
  specs.push({ name: `${name}/gamma`, shape: [outC], init: 'ones', trainable: true });
  specs.push({ name: `${name}/beta`, shape: [outC], init: 'zeros', trainable: true });
  specs.push({ name: `${name}/mean`, shape: [outC], init: 'zeros', trainable: false });
  specs.push({ name: `${name}/var`, shape: [outC], init: 'ones', trainable: false });
}

/** Channels of the map the local term reads. */
export function localChannels(config: ModelConfig): number {
  return config.blockFilters[localBlock(config)];
}

export function paramSpecs(config: ModelConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  let c = 3;
  config.blockFilters.forEach((f, i) => {
    convBn(specs, `enc/block${i}`, c, f);
    c = f;
  });
  config.headFilters.forEach((f, i) => {
    convBn(specs, `enc/head${i}`, c, f);
    c = f;
  });
  const m = mapSize(config);
  const pooled = config.pooling === 'flatten' ? m * m * c : c;
  dense(specs, 'enc/mu', pooled, config.zDim, 'glorot');
  dense(specs, 'enc/logvar', pooled, config.zDim, 'small');
  const flat = m * m * config.blockFilters.at(-1)!;
  const h = config.criticDim;
  const z = config.zDim;
  // The global critic sees the flattened map C(x) (or z itself, for the reference (z, z) critic),
  // the local one each position's features; both score them against z.
  if (config.alpha > 0) critic(specs, 'global', config.globalCritic === 'dot', config.globalCritic === 'zz' ? z : flat, z, h);
  if (config.beta > 0) critic(specs, 'local', config.localCritic === 'dot', localChannels(config), z, h);
  return specs;
}

/** A separable critic φ(x)·ψ(z) (two 2-layer MLPs), or an MLP T([x, z]) → score. */
function critic(specs: ParamSpec[], prefix: string, separable: boolean, xDim: number, z: number, h: number): void {
  if (separable) {
    dense(specs, `${prefix}/phi1`, xDim, h);
    dense(specs, `${prefix}/phi2`, h, h, 'glorot');
    dense(specs, `${prefix}/psi1`, z, h);
    dense(specs, `${prefix}/psi2`, h, h, 'glorot');
  } else {
    dense(specs, `${prefix}/t1`, xDim + z, h);
    dense(specs, `${prefix}/t2`, h, h);
    dense(specs, `${prefix}/t3`, h, 1, 'glorot');
  }
}

function initValues(spec: ParamSpec, rng: Rng): Float32Array {
  const n = size(spec.shape);
  const out = new Float32Array(n);
  if (spec.init === 'ones') return out.fill(1);
  if (spec.init === 'zeros') return out;
  const fanIn = spec.shape.length === 4 ? spec.shape[0] * spec.shape[1] * spec.shape[2] : spec.shape[0];
  const fanOut = spec.shape.length === 4 ? spec.shape[0] * spec.shape[1] * spec.shape[3] : spec.shape[spec.shape.length - 1];
  const std = spec.init === 'he' ? Math.sqrt(2 / fanIn) : spec.init === 'glorot' ? Math.sqrt(2 / (fanIn + fanOut)) : 0.01 * Math.sqrt(1 / fanIn);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}

/** The seeded initial values of every parameter (no tensors: the main process sends them to a GPU window). */
export function initialValues(config: ModelConfig, seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  return new Map(paramSpecs(config).map((s) => [s.name, initValues(s, rng)]));
}

export interface WeightsManifest {
  format: 'likeness-weights-1';
  config: ModelConfig;
  tensors: { name: string; shape: number[]; offset: number }[];
  byteLength: number;
}

/** The parameters of one model instance, as tf variables, plus a flat view of the trainable ones. */
export class Params {
  readonly specs: ParamSpec[];
  readonly vars = new Map<string, tf.Variable>();
  readonly trainable: ParamSpec[];
  readonly trainableCount: number;

  private constructor(
    readonly config: ModelConfig,
    values: Map<string, Float32Array>,
  ) {
    this.specs = paramSpecs(config);
    this.trainable = this.specs.filter((s) => s.trainable);
    this.trainableCount = this.trainable.reduce((a, s) => a + size(s.shape), 0);
    for (const spec of this.specs) {
      const v = values.get(spec.name);
      if (!v || v.length !== size(spec.shape)) throw new Error(`weights: ${spec.name} missing or of the wrong size`);
      this.vars.set(spec.name, tf.variable(tf.tensor(v, spec.shape, 'float32'), spec.trainable));
    }
  }

  static init(config: ModelConfig, seed: number): Params {
    return new Params(config, initialValues(config, seed));
  }

  static fromValues(config: ModelConfig, values: Map<string, Float32Array>): Params {
    return new Params(config, values);
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  trainableVariables(): tf.Variable[] {
    return this.trainable.map((s) => this.get(s.name));
  }

  /**
   * Trainable parameters concatenated in spec order. Asynchronous, in one read: WebGPU cannot read
   * synchronously in Node, and each read from a GPU is a round trip.
   */
  async readTrainable(): Promise<Float32Array> {
    const flat = tf.tidy(() => tf.concat(this.trainable.map((s) => tf.reshape(this.get(s.name), [-1]))));
    const out = (await flat.data()) as Float32Array;
    flat.dispose();
    return out;
  }

  writeTrainable(flat: Float32Array): void {
    let o = 0;
    for (const s of this.trainable) {
      const n = size(s.shape);
      const t = tf.tensor(flat.subarray(o, o + n), s.shape, 'float32');
      this.get(s.name).assign(t);
      t.dispose();
      o += n;
    }
  }

  setValue(name: string, values: Float32Array): void {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) throw new Error(`no parameter ${name}`);
    const t = tf.tensor(values, spec.shape, 'float32');
    this.get(name).assign(t);
    t.dispose();
  }

  /** Every parameter (batch-norm statistics too), copied out in one asynchronous read. */
  async values(): Promise<Map<string, Float32Array>> {
    const flat = tf.tidy(() => tf.concat(this.specs.map((s) => tf.reshape(this.get(s.name), [-1]))));
    const all = (await flat.data()) as Float32Array;
    flat.dispose();
    const out = new Map<string, Float32Array>();
    let o = 0;
    for (const s of this.specs) {
      const n = size(s.shape);
      out.set(s.name, all.slice(o, o + n));
      o += n;
    }
    return out;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
