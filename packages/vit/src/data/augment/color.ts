/**
 * Intensity operations on [0, 1] images, PIL/torchvision semantics adapted to floats. Each maps [0, 1]
 * into [0, 1]; autocontrast and equalize work per channel.
 */
import type { ImageCHW } from './image';

function mapPixels(image: ImageCHW, f: (v: number) => number): ImageCHW {
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(image.data[i]);
  return { ...image, data: out };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Scales intensities by `factor` (PIL Brightness: blend with black), clamped to [0, 1]. */
export function adjustBrightness(image: ImageCHW, factor: number): ImageCHW {
  return mapPixels(image, (v) => clamp01(v * factor));
}

/** Blends with the image's mean intensity (PIL Contrast), clamped to [0, 1]. */
export function adjustContrast(image: ImageCHW, factor: number): ImageCHW {
  let mean = 0;
  for (const v of image.data) mean += v;
  mean /= Math.max(1, image.data.length);
  return mapPixels(image, (v) => clamp01(mean + factor * (v - mean)));
}

/** Inverts pixels at or above `threshold` (PIL solarize). */
export function solarize(image: ImageCHW, threshold: number): ImageCHW {
  return mapPixels(image, (v) => (v >= threshold ? 1 - v : v));
}

/** Keeps the top `bits` bits of the 8-bit value (PIL posterize). */
export function posterize(image: ImageCHW, bits: number): ImageCHW {
  if (!Number.isInteger(bits) || bits < 1 || bits > 8)
    throw new RangeError(`posterize: bits must be 1..8, got ${bits}`);
  const mask = (0xff << (8 - bits)) & 0xff;
  return mapPixels(image, (v) => (Math.round(clamp01(v) * 255) & mask) / 255);
}

/** Stretches each channel so its minimum maps to 0 and maximum to 1 (flat channels unchanged). */
export function autocontrast(image: ImageCHW): ImageCHW {
  const hw = image.height * image.width;
  const out = new Float32Array(image.data.length);
  for (let c = 0; c < image.channels; c++) {
    const ch = image.data.subarray(c * hw, (c + 1) * hw);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of ch) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const scale = hi > lo ? 1 / (hi - lo) : 0;
    for (let p = 0; p < hw; p++) out[c * hw + p] = scale === 0 ? ch[p] : clamp01((ch[p] - lo) * scale);
  }
  return { ...image, data: out };
}

/** Per-channel histogram equalisation over 256 bins (PIL ImageOps.equalize). */
export function equalize(image: ImageCHW): ImageCHW {
  const hw = image.height * image.width;
  const out = new Float32Array(image.data.length);
  for (let c = 0; c < image.channels; c++) {
    const hist = new Int32Array(256);
    const bins = new Uint8Array(hw);
    for (let p = 0; p < hw; p++) {
      bins[p] = Math.round(clamp01(image.data[c * hw + p]) * 255);
      hist[bins[p]]++;
    }
    // PIL: step = (total - count of the last non-empty bin) / 255; a flat histogram is left as is.
    let last = 255;
    while (last > 0 && hist[last] === 0) last--;
    const step = Math.floor((hw - hist[last]) / 255);
    const lut = new Float32Array(256);
    if (step === 0) {
      for (let i = 0; i < 256; i++) lut[i] = i / 255;
    } else {
      let acc = Math.floor(step / 2);
      for (let i = 0; i < 256; i++) {
        lut[i] = Math.min(255, Math.floor(acc / step)) / 255;
        acc += hist[i];
      }
    }
    for (let p = 0; p < hw; p++) out[c * hw + p] = lut[bins[p]];
  }
  return { ...image, data: out };
}
