// `likeness backend [NAME]`: which TensorFlow.js backend training and embedding use — the saved
// setting, what the automatic choice picks on this machine and why, and the GPU adapter if any.
// With a name, saves it (auto, webgpu, wasm, cpu, tensorflow); --backend on a command overrides it.
import { BACKEND_CHOICES, type BackendChoice } from '../model/backend';
import { trainingBackendStatus } from '../model/backendStatus';
import { describeAdapter, probeWebGpu } from '../model/webgpu';
import { parse, UsageError, type CommandRun } from './command';

export const backendCommand: CommandRun = {
  async run(args, ctx) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError('give at most one backend name');
    const name = positionals[0] as BackendChoice | undefined;
    if (name !== undefined && !BACKEND_CHOICES.includes(name)) throw new UsageError(`backend must be one of ${BACKEND_CHOICES.join(', ')}`);
    // What the Training screen shows (saving the choice first, if given).
    const status = await trainingBackendStatus(ctx.core(), name);
    // Cached by the status above: asked again only to say why there is no adapter.
    const gpu = await probeWebGpu(true);
    const result = {
      setting: status.setting,
      environment: process.env.LIKENESS_BACKEND || null,
      uses: status.uses,
      reason: status.reason,
      webgpuAdapter: gpu.ok ? gpu.adapter : null,
      webgpuProblem: gpu.ok ? null : gpu.reason,
    };
    if (values.json) {
      ctx.out(JSON.stringify(result));
      return 0;
    }
    ctx.out(`setting: ${status.setting}${result.environment ? ` (LIKENESS_BACKEND=${result.environment} overrides it)` : ''}`);
    ctx.out(`training and embedding use: ${status.uses} (${status.reason})`);
    ctx.out(`WebGPU adapter: ${gpu.ok ? describeAdapter(gpu.adapter) : `none (${gpu.reason})`}`);
    return 0;
  },
};
