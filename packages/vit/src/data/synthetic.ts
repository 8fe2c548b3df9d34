/**
 * A seeded synthetic classification dataset for tests: each class has its own smooth template
 * (a few random Gaussian blobs per channel), and each sample is its class template, shifted by up to
 * `maxShift` pixels, plus Gaussian noise, clamped to [0, 1]. A small model separates the classes.
 */
import { Rng } from '@gqa-lab/tensor';
import type { Dataset } from './dataset';

export interface SyntheticOptions {
  n: number;
  classes?: number;
  channels?: number;
  height?: number;
  width?: number;
  seed?: number;
  /** Std of the per-pixel Gaussian noise (default 0.1). */
  noise?: number;
  /** Largest random shift of the template in pixels (default 1). */
  maxShift?: number;
}

function classTemplate(rng: Rng, channels: number, height: number, width: number): Float32Array {
  const t = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let blob = 0; blob < 3; blob++) {
      const cy = rng.uniform(0, height);
      const cx = rng.uniform(0, width);
      const r = rng.uniform(0.1, 0.2) * Math.max(height, width);
      const amp = rng.uniform(0.4, 0.9);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const d2 = (y - cy) ** 2 + (x - cx) ** 2;
          t[(c * height + y) * width + x] += amp * Math.exp(-d2 / (2 * r * r));
        }
      }
    }
  }
  return t;
}

/** Builds the synthetic dataset; labels cycle 0, 1, ..., K-1 so every class is represented. */
export function makeSyntheticDataset(options: SyntheticOptions): Dataset {
  const {
    n,
    classes = 10,
    channels = 1,
    height = 8,
    width = 8,
    seed = 0,
    noise = 0.1,
    maxShift = 1,
  } = options;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`makeSyntheticDataset: n must be >= 0, got ${n}`);
  if (!Number.isInteger(classes) || classes < 1)
    throw new RangeError(`makeSyntheticDataset: classes must be >= 1, got ${classes}`);
  const rng = new Rng(seed);
  const templates = Array.from({ length: classes }, () => classTemplate(rng, channels, height, width));
  const per = channels * height * width;
  const images = new Float32Array(n * per); // (N, C, H, W)
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    labels[i] = k;
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const t = templates[k];
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < height; y++) {
        const sy = Math.min(height - 1, Math.max(0, y - dy));
        for (let x = 0; x < width; x++) {
          const sx = Math.min(width - 1, Math.max(0, x - dx));
          const v = t[(c * height + sy) * width + sx] + noise * rng.normal();
          images[i * per + (c * height + y) * width + x] = Math.min(1, Math.max(0, v));
        }
      }
    }
  }
  return {
    name: `synthetic(seed=${seed})`,
    images,
    labels,
    n,
    channels,
    height,
    width,
    classes: Array.from({ length: classes }, (_, i) => `class_${i}`),
  };
}
