// Kernels the tfjs 4.22 wasm backend lacks but training needs:
// - Conv2DBackpropFilter (the weight gradient of every convolution), computed from wasm's own
//   Slice/PadV2/Transpose/BatchMatMul kernels: for each filter tap (i, j) the gradient is
//   X_shifted(i, j)ᵀ · dY over all batch positions, a plain matrix product.
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

const conv2DBackpropFilter: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
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
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const { top, left } = info.padInfo;
    const s = new KernelScope(backend);
    // Pad so that every tap's window lies inside the tensor.
    const needH = (outHeight - 1) * strideHeight + filterHeight;
    const needW = (outWidth - 1) * strideWidth + filterWidth;
    const bottom = Math.max(0, needH - inHeight - top);
    const right = Math.max(0, needW - inWidth - left);
    const xp =
      top || bottom || left || right
        ? s.run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 })
        : x;
    const rows = batchSize * outHeight * outWidth;
    const dy2 = s.run('Reshape', { x: dy }, { shape: [1, rows, outChannels] });
    const taps: TensorInfo[] = [];
    for (let i = 0; i < filterHeight; i++) {
      for (let j = 0; j < filterWidth; j++) {
        let window = s.run('Slice', { x: xp }, {
          begin: [0, i, j, 0],
          size: [batchSize, (outHeight - 1) * strideHeight + 1, (outWidth - 1) * strideWidth + 1, inChannels],
        });
        if (strideHeight > 1 || strideWidth > 1) {
          window = s.run('StridedSlice', { x: window }, {
            begin: [0, 0, 0, 0],
            end: [batchSize, (outHeight - 1) * strideHeight + 1, (outWidth - 1) * strideWidth + 1, inChannels],
            strides: [1, strideHeight, strideWidth, 1],
            beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
          });
        }
        const x2 = s.run('Reshape', { x: window }, { shape: [1, rows, inChannels] });
        // [1, inChannels, outChannels]
        taps.push(s.run('BatchMatMul', { a: x2, b: dy2 }, { transposeA: true, transposeB: false }));
      }
    }
    const stacked = taps.length === 1 ? taps[0] : s.run('Concat', taps as unknown as Record<string, TensorInfo>, { axis: 0 });
    const out = s.run('Reshape', { x: stacked }, { shape: [filterHeight, filterWidth, inChannels, outChannels] });
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

let registered = false;

export function registerMissingWasmKernels(): void {
  if (registered) return;
  registered = true;
  for (const k of [conv2DBackpropFilter, unsortedSegmentSum]) {
    if (!tf.getKernel(k.kernelName, 'wasm')) tf.registerKernel(k);
  }
}
