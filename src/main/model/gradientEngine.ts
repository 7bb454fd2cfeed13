// Where a training step's forward and backward pass runs: TensorFlow.js in this thread
// (LocalEngine: wasm, webgpu through Dawn, cpu…), or the desktop app's GPU window (GpuWindowEngine).
// The training loop keeps the weights, Adam state and checkpoints on the host either way.
import type { ModelConfig } from './config';
import type { Params } from './params';
import { gradientsFor, recalibrateBatchNorm, type HostBatch, type StepLosses } from './trainer';

export interface GradientEngine {
  /** Replace the trainable weights (spec order) before the next step. */
  setTrainable(weights: Float32Array): void;
  /** One batch's gradient into gradOut (trainable spec order), with the step's random inputs given. */
  gradients(batch: HostBatch, eps: Float32Array, perm: number[], gradOut: Float32Array): Promise<StepLosses>;
  /** Batch-norm statistics from un-augmented batches; returns how many batches were used. */
  recalibrate(batches: Iterable<{ x: Float32Array; count: number; size: number }>): Promise<number>;
  /** Every parameter, batch-norm statistics included. */
  values(config: ModelConfig): Promise<Map<string, Float32Array>>;
  dispose(): void | Promise<void>;
}

export class LocalEngine implements GradientEngine {
  constructor(readonly params: Params) {}

  setTrainable(weights: Float32Array): void {
    this.params.writeTrainable(weights);
  }

  gradients(batch: HostBatch, eps: Float32Array, perm: number[], gradOut: Float32Array): Promise<StepLosses> {
    return gradientsFor(this.params, batch, eps, perm, gradOut);
  }

  recalibrate(batches: Iterable<{ x: Float32Array; count: number; size: number }>): Promise<number> {
    return recalibrateBatchNorm(this.params, batches);
  }

  values(): Promise<Map<string, Float32Array>> {
    return this.params.values();
  }

  dispose(): void {
    this.params.dispose();
  }
}
