// `likeness backend [NAME]`: which TensorFlow.js backend training and embedding use — the saved
// setting, what the automatic choice picks on this machine and why, and the GPU adapter if any.
// With a name, saves it (auto, webgpu, wasm, cpu, tensorflow); --backend on a command overrides it.
import { BACKEND_CHOICES, BACKEND_SETTING, backendChoice, planBackend, type BackendChoice } from '../model/backend';
import { describeAdapter, probeWebGpu } from '../model/webgpu';
import { getSetting, setSetting } from '../store/settings';
import { parse, UsageError, type Command } from './command';

export const backendCommand: Command = {
  name: 'backend',
  summary: 'show or set the backend training and embedding use (auto, webgpu, wasm, cpu, tensorflow)',
  usage: 'backend [auto|webgpu|wasm|cpu|tensorflow] [--json]',
  async run(args, ctx) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError('give at most one backend name');
    const core = ctx.core();
    if (positionals.length === 1) {
      const name = positionals[0] as BackendChoice;
      if (!BACKEND_CHOICES.includes(name)) throw new UsageError(`backend must be one of ${BACKEND_CHOICES.join(', ')}`);
      setSetting(core.db, BACKEND_SETTING, name);
    }
    const setting = getSetting<BackendChoice>(core.db, BACKEND_SETTING, 'auto');
    const choice = backendChoice(undefined, setting);
    const plan = await planBackend(choice);
    const gpu = await probeWebGpu(true);
    const result = {
      setting,
      environment: process.env.LIKENESS_BACKEND || null,
      uses: plan.name,
      reason: plan.reason,
      webgpuAdapter: gpu.ok ? gpu.adapter : null,
      webgpuProblem: gpu.ok ? null : gpu.reason,
    };
    if (values.json) {
      ctx.out(JSON.stringify(result));
      return 0;
    }
    ctx.out(`setting: ${setting}${result.environment ? ` (LIKENESS_BACKEND=${result.environment} overrides it)` : ''}`);
    ctx.out(`training and embedding use: ${plan.name} (${plan.reason})`);
    ctx.out(`WebGPU adapter: ${gpu.ok ? describeAdapter(gpu.adapter) : `none (${gpu.reason})`}`);
    return 0;
  },
};
