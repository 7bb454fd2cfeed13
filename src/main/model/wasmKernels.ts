// Kernels the tfjs 4.22 wasm backend lacks but training needs:
// - Conv2DBackpropFilter (the weight gradient of every convolution), as a convolution of the input
//   and the output gradient with wasm's own (XNNPACK) Conv2D kernel.
// - BatchMatMul with transposed operands is replaced by Transpose + BatchMatMul (much faster).
// - Conv2DBackpropInput is replaced for stride 1 by a Conv2D with the flipped filter (10× faster).
// - UnsortedSegmentSum (the gradient of gather), from wasm's own kernels as a one-hot matrix product.
// Both are checked against the cpu backend in test/unit/model-wasm-kernels.test.ts.
import * as tf from '@tensorflow/tfjs';
import { backend_util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';

type KernelFn = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> }) => TensorInfo;

function wasmKernel(name: string): KernelFn {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
  return kernel.kernelFunc as unknown as KernelFn;
}

interface DisposableBackend {
  disposeData(dataId: object): boolean;
}

/** Runs wasm kernels in sequence, disposing every intermediate except the ones returned. */
class KernelScope {
  private readonly made: TensorInfo[] = [];
  constructor(private readonly backend: unknown) {}
  run(name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo {
    const out = wasmKernel(name)({ inputs, backend: this.backend, attrs });
    this.made.push(out);
    return out;
  }
  disposeAllBut(keep: TensorInfo): void {
    for (const t of this.made) if (t !== keep) (this.backend as DisposableBackend).disposeData(t.dataId);
  }
}

interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const conv2DBackpropFilter: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as ConvAttrs & {
      filterShape: [number, number, number, number];
    };
    if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
    const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const { top, left } = info.padInfo;
    const s = new KernelScope(backend);
    // dW[i, j, ci, co] = Σ_{b, y, x} xpad[b, y·s + i, x·s + j, ci] · dy[b, y, x, co]: a valid convolution
    // of xpad seen as [ci, H, W, batch] by dy seen as a [oh, ow, batch, co] filter dilated by the stride.
    // Pad (or crop) xpad so that this convolution's output is exactly filterHeight × filterWidth.
    const needH = (outHeight - 1) * strideHeight + filterHeight;
    const needW = (outWidth - 1) * strideWidth + filterWidth;
    const bottom = needH - inHeight - top;
    const right = needW - inWidth - left;
    let xp = x;
    if (bottom < 0 || right < 0) {
      xp = s.run(
        'Slice',
        { x },
        { begin: [0, 0, 0, 0], size: [batchSize, inHeight + Math.min(0, bottom), inWidth + Math.min(0, right), inChannels] },
      );
    }
    if (top || left || bottom > 0 || right > 0) {
      xp = s.run(
        'PadV2',
        { x: xp },
        {
          paddings: [
            [0, 0],
            [top, Math.max(0, bottom)],
            [left, Math.max(0, right)],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
    }
    const xt = s.run('Transpose', { x: xp }, { perm: [3, 1, 2, 0] });
    const dyt = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const conv = s.run(
      'Conv2D',
      { x: xt, filter: dyt },
      {
        strides: [1, 1],
        pad: 'valid',
        dataFormat: 'NHWC',
        dilations: [strideHeight, strideWidth],
      },
    );
    const out = s.run('Transpose', { x: conv }, { perm: [1, 2, 0, 3] });
    s.disposeAllBut(out);
    return out;
  },
};

let wasmConv2DBackpropInput: KernelConfig | undefined;
let originalSetUp = false;

/**
 * wasm's own Conv2DBackpropInput is about 10× slower than its Conv2D: for stride 1 (all the encoder
 * uses) compute it as the convolution of dy with the flipped, transposed filter; else defer to it.
 */
const conv2DBackpropInput: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { inputs, backend, attrs } = args as unknown as {
      inputs: { dy: TensorInfo; filter: TensorInfo };
      backend: unknown;
      attrs: ConvAttrs & { inputShape: [number, number, number, number] };
    };
    const { dy, filter } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const { top, bottom, left, right } = info.padInfo;
    const bt = filterHeight - 1 - top;
    const bb = filterHeight - 1 - bottom;
    const bl = filterWidth - 1 - left;
    const br = filterWidth - 1 - right;
    if (dataFormat === 'NCHW' || strideHeight !== 1 || strideWidth !== 1 || Math.min(bt, bb, bl, br) < 0) {
      if (!wasmConv2DBackpropInput) throw new Error('Conv2DBackpropInput (wasm): unsupported configuration');
      // It was unregistered before the backend started, so its wasm function was never bound.
      if (!originalSetUp) {
        wasmConv2DBackpropInput.setupFunc?.(backend as never);
        originalSetUp = true;
      }
      return (wasmConv2DBackpropInput.kernelFunc as unknown as KernelFn)(args as never);
    }
    const s = new KernelScope(backend);
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const transposed = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
    const out = s.run(
      'Conv2D',
      { x: dy, filter: transposed },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [bt, bb],
          [bl, br],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      },
    );
    s.disposeAllBut(out);
    return out;
  },
};

const unsortedSegmentSum: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = attrs as unknown as { numSegments: number };
    const s = new KernelScope(backend);
    const n = segmentIds.shape.reduce((a, b) => a * b, 1);
    const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
    const ids = s.run('Reshape', { x: segmentIds }, { shape: [n] });
    // One-hot [n, numSegments] (ids outside [0, numSegments) give an all-zero row, as TF drops them).
    const oneHot = s.run('OneHot', { indices: ids }, { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' });
    // wasm's OneHot writes int32 whatever dtype it is asked for: ask for int32 and cast.
    const oneHotF = s.run('Cast', { x: oneHot }, { dtype: 'float32' });
    const x2 = s.run('Reshape', { x }, { shape: [1, n, inner] });
    const oh3 = s.run('Reshape', { x: oneHotF }, { shape: [1, n, numSegments] });
    const summed = s.run('BatchMatMul', { a: oh3, b: x2 }, { transposeA: true, transposeB: false });
    const out = s.run('Reshape', { x: summed }, { shape: [numSegments, ...x.shape.slice(segmentIds.shape.length)] });
    s.disposeAllBut(out);
    return out;
  },
};

let wasmBatchMatMul: KernelConfig | undefined;

/**
 * wasm's BatchMatMul is fast without transposes and ~30× slower with transposeA/transposeB, which
 * every matMul gradient uses: transpose the operand explicitly, then multiply.
 */
const batchMatMul: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { inputs, backend, attrs } = args as unknown as {
      inputs: { a: TensorInfo; b: TensorInfo };
      backend: unknown;
      attrs: { transposeA: boolean; transposeB: boolean };
    };
    const original = wasmBatchMatMul!.kernelFunc as unknown as KernelFn;
    if (!attrs.transposeA && !attrs.transposeB) return original(args as never);
    const s = new KernelScope(backend);
    const flip = (t: TensorInfo) => {
      const r = t.shape.length;
      const perm = [...Array(r - 2).keys(), r - 1, r - 2];
      return s.run('Transpose', { x: t }, { perm });
    };
    const a = attrs.transposeA ? flip(inputs.a) : inputs.a;
    const b = attrs.transposeB ? flip(inputs.b) : inputs.b;
    const out = original({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    s.disposeAllBut(out);
    return out;
  },
};

let registered = false;

export function registerMissingWasmKernels(): void {
  if (registered) return;
  registered = true;
  for (const k of [conv2DBackpropFilter, unsortedSegmentSum]) {
    if (!tf.getKernel(k.kernelName, 'wasm')) tf.registerKernel(k);
  }
  wasmBatchMatMul = tf.getKernel('BatchMatMul', 'wasm');
  if (wasmBatchMatMul) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({ ...batchMatMul, setupFunc: wasmBatchMatMul.setupFunc });
  }
  wasmConv2DBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (wasmConv2DBackpropInput) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel(conv2DBackpropInput);
}
