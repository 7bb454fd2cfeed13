// The message protocol between the desktop app's main process and its hidden GPU training window
// (Chromium's WebGPU, else WebGL 2). The window is a gradient device: it holds the model on the
// GPU and computes a step's gradients; the main process keeps the weights, the Adam state,
// checkpoints and model versions exactly as for CPU training, and sends the updated weights with
// the next step. Requests carry an id; every request gets one reply with the same id.
import type { ModelConfig } from '../main/model/config';
import type { CutMixBox } from '../main/model/cutMix';

/** What the window's GPU says about itself (WebGPU adapter info, or the WebGL renderer strings). */
export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (SwiftShader, llvmpipe, WARP): correct, but slower than wasm. */
  software: boolean;
  /** 'webgpu' or 'webgl2' (and for Dawn in Node: 'vulkan', 'metal', 'd3d12'). */
  api: string;
}

/** Names of CPU implementations of a GPU API, as adapters and WebGL renderers report them. */
export const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render|software/i;

/** One line with everything the adapter says about itself (CLI, logs, the model version's device); software adapters say so. */
export function describeAdapter(a: GpuAdapterInfo): string {
  const name = a.description || [a.vendor, a.device].filter(Boolean).join(' ') || 'GPU';
  const fields = [
    a.vendor && `vendor ${a.vendor}`,
    a.device && a.device !== name && `device ${a.device}`,
    a.architecture && `architecture ${a.architecture}`,
    a.api,
  ];
  return `${name} (${fields.filter(Boolean).join(', ')})${a.software ? ' [software adapter]' : ''}`;
}

export type GpuPreference = 'webgpu' | 'webgl' | 'auto';

export type ToGpuWindow =
  /** Set up the backend only, to see which GPU the window has (answered with 'ready', trainable 0). */
  | { type: 'probe'; id: number; prefer: GpuPreference }
  /** Set up the backend and load every parameter (spec order, batch-norm statistics included). */
  | { type: 'init'; id: number; config: ModelConfig; values: Float32Array[]; prefer: GpuPreference }
  /** One step's gradients; `weights` (trainable, spec order) replace the current ones first when given. */
  | {
      type: 'step';
      id: number;
      x1: Float32Array;
      x2?: Float32Array;
      size: number;
      count: number;
      eps: Float32Array;
      perm: number[];
      /** The box pasted into x1 (recipe option cutMix), when this step mixes. */
      cutMix?: CutMixBox;
      weights?: Float32Array;
    }
  /** Batch-norm statistics from un-augmented batches (end of training). */
  | { type: 'recalibrate'; id: number; batches: { x: Float32Array; count: number; size: number }[]; weights?: Float32Array }
  /** Every parameter, spec order. */
  | { type: 'values'; id: number }
  | { type: 'dispose'; id: number };

export type FromGpuWindow =
  | { type: 'ready'; id: number; backend: 'webgpu' | 'webgl'; adapter: GpuAdapterInfo; trainable: number }
  | { type: 'gradients'; id: number; grads: Float32Array; loss: number; globalMi: number; localMi: number; prior: number; stepMs: number }
  | { type: 'values'; id: number; values: Float32Array[] }
  | { type: 'done'; id: number; batches?: number }
  /** `deviceLost`: the GPU went away (reset, driver crash); the main process continues on the CPU. */
  | { type: 'error'; id: number; message: string; deviceLost: boolean };

/** The ends of a MessagePort both sides need (a DOM MessagePort, Electron's MessagePortMain, a test bridge). */
export interface GpuPort<In, Out> {
  post(message: Out): void;
  onMessage(handler: (message: In) => void): void;
}

/** What the page listens for on `window` to receive its port (Electron's preload forwards it). */
export const GPU_TRAINER_PORT_MESSAGE = 'likeness-gpu-trainer-port';
