/** One image as the augmentations see it: CHW float32, and the signature every augmentation shares. */
import type { Rng } from '@gqa-lab/tensor';

export interface ImageCHW {
  channels: number;
  height: number;
  width: number;
  /** (C, H, W) row-major. */
  data: Float32Array;
}

/** A per-sample augmentation: pure given (image, rng); it may return a new image or a new size. */
export type Augment = (image: ImageCHW, rng: Rng) => ImageCHW;

/** A blank image of the given size (filled with `fill`). */
export function blankImage(channels: number, height: number, width: number, fill = 0): ImageCHW {
  return { channels, height, width, data: new Float32Array(channels * height * width).fill(fill) };
}

/** Applies augmentations left to right with the same rng. */
export function compose(...augments: Augment[]): Augment {
  return (image, rng) => augments.reduce((img, aug) => aug(img, rng), image);
}

/** Per-channel normalisation (x - mean[c]) / std[c], as an augmentation (ignores the rng). */
export function normalize(mean: readonly number[], std: readonly number[]): Augment {
  for (const s of std) if (!(s > 0)) throw new RangeError(`normalize: std must be > 0, got ${s}`);
  return (image) => {
    if (mean.length !== image.channels || std.length !== image.channels) {
      throw new RangeError(
        `normalize: image has ${image.channels} channels, mean/std have ${mean.length}/${std.length}`,
      );
    }
    const hw = image.height * image.width;
    const out = new Float32Array(image.data.length);
    for (let c = 0; c < image.channels; c++) {
      const inv = 1 / std[c];
      for (let p = c * hw; p < (c + 1) * hw; p++) out[p] = (image.data[p] - mean[c]) * inv;
    }
    return { ...image, data: out };
  };
}
