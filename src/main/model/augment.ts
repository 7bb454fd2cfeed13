// Training inputs from uint8 pixels: random resized crop, horizontal flip and colour jitter for the
// augmented views, plain resize otherwise; output is float HWC RGB scaled to [-1, 1].
// Plain JS on small images: cheaper than round-tripping through the tensor backend.
import type { Rng } from '../util/rng';

export interface SourceImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB), interleaved. */
  channels: number;
}

export interface AugmentOptions {
  minScale: number;
  flip: boolean;
  jitter: number;
  /** Probability of a grey view (saturation 0), so that colour alone cannot match two views. */
  greyscale: number;
  /** Probability of a view turned 90° clockwise or anticlockwise. */
  rotate: number;
  /** Hue turned by up to ± this fraction of the colour circle, about the grey axis (0: never). */
  hue: number;
}

export const defaultAugment: AugmentOptions = { minScale: 0.35, flip: true, jitter: 0.4, greyscale: 0, rotate: 0, hue: 0 };

/** The augmentation a model's settings ask for (older versions stored none: the defaults). */
export function augmentOptionsOf(config: {
  cropMinScale?: number;
  jitter?: number;
  greyscale?: number;
  rotate?: number;
  hue?: number;
}): AugmentOptions {
  return {
    ...defaultAugment,
    minScale: config.cropMinScale ?? defaultAugment.minScale,
    jitter: config.jitter ?? defaultAugment.jitter,
    greyscale: config.greyscale ?? defaultAugment.greyscale,
    rotate: config.rotate ?? defaultAugment.rotate,
    hue: config.hue ?? defaultAugment.hue,
  };
}

/** Bilinear sample of a crop [x0, x0+cw) × [y0, y0+ch) of src into out (size×size×3) at offset. */
function sampleCrop(
  src: SourceImage,
  x0: number,
  y0: number,
  cw: number,
  ch: number,
  size: number,
  flip: boolean,
  out: Float32Array,
  offset: number,
): void {
  const { data, width, height, channels } = src;
  const sx = cw / size;
  const sy = ch / size;
  for (let oy = 0; oy < size; oy++) {
    const fy = Math.min(height - 1, Math.max(0, y0 + (oy + 0.5) * sy - 0.5));
    const y1 = Math.floor(fy);
    const y2 = Math.min(height - 1, y1 + 1);
    const wy = fy - y1;
    for (let ox = 0; ox < size; ox++) {
      const tx = flip ? size - 1 - ox : ox;
      const fx = Math.min(width - 1, Math.max(0, x0 + (tx + 0.5) * sx - 0.5));
      const x1 = Math.floor(fx);
      const x2 = Math.min(width - 1, x1 + 1);
      const wx = fx - x1;
      const o = offset + (oy * size + ox) * 3;
      for (let k = 0; k < 3; k++) {
        const kc = channels === 1 ? 0 : k;
        const a = data[(y1 * width + x1) * channels + kc];
        const b = data[(y1 * width + x2) * channels + kc];
        const c = data[(y2 * width + x1) * channels + kc];
        const d = data[(y2 * width + x2) * channels + kc];
        out[o + k] = (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy;
      }
    }
  }
}

function toUnitRange(out: Float32Array, offset: number, n: number): void {
  for (let i = offset; i < offset + n; i++) out[i] = out[i] / 127.5 - 1;
}

/** The image resized to size×size, no augmentation (what embedding uses). */
export function plainInto(src: SourceImage, size: number, out: Float32Array, offset: number): void {
  if (src.width === size && src.height === size && src.channels === 3) {
    for (let i = 0; i < size * size * 3; i++) out[offset + i] = src.data[i] / 127.5 - 1;
    return;
  }
  sampleCrop(src, 0, 0, src.width, src.height, size, false, out, offset);
  toUnitRange(out, offset, size * size * 3);
}

/** Turns the size×size×3 view at `offset` by 90° in place (clockwise, or anticlockwise). */
function turnQuarter(out: Float32Array, offset: number, size: number, clockwise: boolean): void {
  const copy = out.slice(offset, offset + size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Clockwise: the output pixel (x, y) comes from the input's (y, size-1-x).
      const sx = clockwise ? y : size - 1 - y;
      const sy = clockwise ? size - 1 - x : x;
      for (let k = 0; k < 3; k++) out[offset + (y * size + x) * 3 + k] = copy[(sy * size + sx) * 3 + k]!;
    }
  }
}

/**
 * Turns the hue of n RGB pixels (0–255) at `offset` by `angle` radians about the grey axis, keeping
 * each pixel's luminance (the matrix of CSS's hue-rotate filter).
 */
function turnHue(out: Float32Array, offset: number, n: number, angle: number): void {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const m = [
    0.213 + c * 0.787 - s * 0.213,
    0.715 - c * 0.715 - s * 0.715,
    0.072 - c * 0.072 + s * 0.928,
    0.213 - c * 0.213 + s * 0.143,
    0.715 + c * 0.285 + s * 0.14,
    0.072 - c * 0.072 - s * 0.283,
    0.213 - c * 0.213 - s * 0.787,
    0.715 - c * 0.715 + s * 0.715,
    0.072 + c * 0.928 + s * 0.072,
  ] as const;
  for (let i = 0; i < n; i++) {
    const o = offset + i * 3;
    const r = out[o]!;
    const g = out[o + 1]!;
    const b = out[o + 2]!;
    out[o] = m[0] * r + m[1] * g + m[2] * b;
    out[o + 1] = m[3] * r + m[4] * g + m[5] * b;
    out[o + 2] = m[6] * r + m[7] * g + m[8] * b;
  }
}

/** One random view: crop of area fraction [minScale, 1] and aspect 3/4..4/3, flip, brightness/contrast/saturation (and hue). */
export function augmentInto(src: SourceImage, size: number, rng: Rng, out: Float32Array, offset: number, opt: AugmentOptions = defaultAugment): void {
  const area = src.width * src.height * rng.uniform(opt.minScale, 1);
  const aspect = Math.exp(rng.uniform(Math.log(3 / 4), Math.log(4 / 3)));
  const cw = Math.min(src.width, Math.sqrt(area * aspect));
  const ch = Math.min(src.height, Math.sqrt(area / aspect));
  const x0 = rng.uniform(0, src.width - cw);
  const y0 = rng.uniform(0, src.height - ch);
  sampleCrop(src, x0, y0, cw, ch, size, opt.flip && rng.next() < 0.5, out, offset);
  if (opt.rotate > 0 && rng.next() < opt.rotate) turnQuarter(out, offset, size, rng.next() < 0.5);
  const n = size * size;
  const brightness = 1 + rng.uniform(-opt.jitter, opt.jitter);
  const contrast = 1 + rng.uniform(-opt.jitter, opt.jitter);
  // Drawn only when asked for, so that recipes without it keep their random stream.
  const saturation = opt.greyscale > 0 && rng.next() < opt.greyscale ? 0 : 1 + rng.uniform(-opt.jitter, opt.jitter);
  if (opt.hue > 0) turnHue(out, offset, n, rng.uniform(-opt.hue, opt.hue) * 2 * Math.PI);
  let mean = 0;
  for (let i = 0; i < n * 3; i++) mean += out[offset + i];
  mean /= n * 3;
  for (let i = 0; i < n; i++) {
    const o = offset + i * 3;
    const grey = 0.299 * out[o] + 0.587 * out[o + 1] + 0.114 * out[o + 2];
    for (let k = 0; k < 3; k++) {
      let v = out[o + k] * brightness;
      v = grey * brightness + (v - grey * brightness) * saturation;
      v = mean * brightness + (v - mean * brightness) * contrast;
      out[o + k] = Math.min(255, Math.max(0, v)) / 127.5 - 1;
    }
  }
}
