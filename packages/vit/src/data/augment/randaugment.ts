/**
 * RandAugment (Cubuk et al. 2019): apply `n` operations drawn uniformly with replacement, each at
 * magnitude `m` in [0, 10]; signed operations pick their sign at random. Magnitude ranges follow
 * timm's defaults: brightness/contrast factor 1 +- 0.9 m/10, translate +- 0.45 m/10 of the side,
 * rotate +- 30 m/10 degrees, shear +- 0.3 m/10, solarize threshold 1 - m/10, posterize 8 - round(4 m/10)
 * bits. Empty space from geometric ops is filled with 0.
 */
import type { Rng } from '@gqa-lab/tensor';
import { adjustBrightness, adjustContrast, autocontrast, equalize, posterize, solarize } from './color';
import { type Interpolation, rotateImage, shearImage, translateImage } from './geometric';
import type { Augment, ImageCHW } from './image';

export const RAND_AUGMENT_OPS = [
  'identity',
  'brightness',
  'contrast',
  'translateX',
  'translateY',
  'rotate',
  'shearX',
  'shearY',
  'solarize',
  'posterize',
  'autocontrast',
  'equalize',
] as const;

export type RandAugmentOp = (typeof RAND_AUGMENT_OPS)[number];

export interface RandAugmentOptions {
  /** Number of operations per image (default 2). */
  n?: number;
  /** Magnitude in [0, 10] (default 9). */
  m?: number;
  /** The operations to draw from (default: all of RAND_AUGMENT_OPS). */
  ops?: readonly RandAugmentOp[];
  /** Interpolation for rotate and shear (default 'bilinear'); translate uses 'nearest'. */
  interpolation?: Interpolation;
}

/** Applies one named op at magnitude `m` (0..10); `rng` supplies the sign of signed ops. */
export function applyRandAugmentOp(
  image: ImageCHW,
  op: RandAugmentOp,
  m: number,
  rng: Rng,
  interpolation: Interpolation = 'bilinear',
): ImageCHW {
  const level = m / 10;
  const signed = (scale: number) => (rng.next() < 0.5 ? -1 : 1) * scale * level;
  switch (op) {
    case 'identity':
      return image;
    case 'brightness':
      return adjustBrightness(image, 1 + signed(0.9));
    case 'contrast':
      return adjustContrast(image, 1 + signed(0.9));
    case 'translateX':
      return translateImage(image, Math.round(signed(0.45) * image.width), 0);
    case 'translateY':
      return translateImage(image, 0, Math.round(signed(0.45) * image.height));
    case 'rotate':
      return rotateImage(image, signed(30), interpolation);
    case 'shearX':
      return shearImage(image, signed(0.3), 'x', interpolation);
    case 'shearY':
      return shearImage(image, signed(0.3), 'y', interpolation);
    case 'solarize':
      return solarize(image, 1 - level);
    case 'posterize':
      return posterize(image, Math.max(1, 8 - Math.round(4 * level)));
    case 'autocontrast':
      return autocontrast(image);
    case 'equalize':
      return equalize(image);
  }
}

/** The RandAugment policy as a per-sample augmentation. */
export function randAugment(options: RandAugmentOptions = {}): Augment {
  const n = options.n ?? 2;
  const m = options.m ?? 9;
  const ops = options.ops ?? RAND_AUGMENT_OPS;
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`randAugment: n must be a non-negative integer, got ${n}`);
  if (!(m >= 0 && m <= 10)) throw new RangeError(`randAugment: magnitude m must be in [0, 10], got ${m}`);
  if (ops.length === 0) throw new RangeError('randAugment: the op list is empty');
  return (image, rng) => {
    let out = image;
    for (let i = 0; i < n; i++)
      out = applyRandAugmentOp(out, ops[rng.int(ops.length)], m, rng, options.interpolation);
    return out;
  };
}
