/** Geometric augmentations: random crop with padding, horizontal flip, bilinear resize, affine warps. */
import type { Rng } from '@gqa-lab/tensor';
import type { Augment, ImageCHW } from './image';

export type Interpolation = 'nearest' | 'bilinear';

/** Pads by `padding` zeros on every side, then crops a random `height` x `width` window (default: same size). */
export function randomCrop(padding: number, height?: number, width?: number): Augment {
  return (image, rng) => {
    const h = height ?? image.height;
    const w = width ?? image.width;
    const ph = image.height + 2 * padding;
    const pw = image.width + 2 * padding;
    if (h > ph || w > pw) {
      throw new RangeError(`randomCrop: crop ${h}x${w} exceeds padded image ${ph}x${pw}`);
    }
    const top = rng.int(ph - h + 1) - padding;
    const left = rng.int(pw - w + 1) - padding;
    const out = new Float32Array(image.channels * h * w);
    for (let c = 0; c < image.channels; c++) {
      for (let y = 0; y < h; y++) {
        const sy = y + top;
        if (sy < 0 || sy >= image.height) continue;
        for (let x = 0; x < w; x++) {
          const sx = x + left;
          if (sx >= 0 && sx < image.width)
            out[(c * h + y) * w + x] = image.data[(c * image.height + sy) * image.width + sx];
        }
      }
    }
    return { channels: image.channels, height: h, width: w, data: out };
  };
}

/** Mirrors left-right with probability `p`. */
export function horizontalFlip(p = 0.5): Augment {
  return (image, rng) => (rng.next() < p ? flipHorizontal(image) : image);
}

/** The left-right mirror image. */
export function flipHorizontal(image: ImageCHW): ImageCHW {
  const { channels, height, width } = image;
  const out = new Float32Array(image.data.length);
  for (let row = 0; row < channels * height; row++) {
    const base = row * width;
    for (let x = 0; x < width; x++) out[base + x] = image.data[base + width - 1 - x];
  }
  return { ...image, data: out };
}

/** Samples channel c at real coordinates (y, x); outside the image reads `fill`. */
function sample(image: ImageCHW, c: number, y: number, x: number, mode: Interpolation, fill: number): number {
  const { height: h, width: w, data } = image;
  const at = (yy: number, xx: number) =>
    yy < 0 || yy >= h || xx < 0 || xx >= w ? fill : data[(c * h + yy) * w + xx];
  if (mode === 'nearest') return at(Math.round(y), Math.round(x));
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
  const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Bilinear resize to `height` x `width` (align_corners = false, edge-clamped like torchvision). */
export function resizeBilinear(image: ImageCHW, height: number, width: number): ImageCHW {
  const out = new Float32Array(image.channels * height * width);
  const sy = image.height / height;
  const sx = image.width / width;
  const clampY = (v: number) => Math.min(Math.max(v, 0), image.height - 1);
  const clampX = (v: number) => Math.min(Math.max(v, 0), image.width - 1);
  for (let c = 0; c < image.channels; c++) {
    for (let y = 0; y < height; y++) {
      const yy = clampY((y + 0.5) * sy - 0.5);
      for (let x = 0; x < width; x++) {
        const xx = clampX((x + 0.5) * sx - 0.5);
        out[(c * height + y) * width + x] = sample(image, c, yy, xx, 'bilinear', 0);
      }
    }
  }
  return { channels: image.channels, height, width, data: out };
}

/** Resize as an augmentation (deterministic). */
export function resize(height: number, width: number): Augment {
  return (image) => resizeBilinear(image, height, width);
}

/**
 * Inverse-maps every output pixel through the 2x3 affine `m` (output (x, y) -> input (x', y'), about
 * the image centre) and samples the input; pixels from outside read `fill`.
 */
export function warpAffine(
  image: ImageCHW,
  m: readonly [number, number, number, number, number, number],
  mode: Interpolation,
  fill = 0,
): ImageCHW {
  const { channels, height, width } = image;
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  const out = new Float32Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - cx;
      const dy = y - cy;
      const sx = m[0] * dx + m[1] * dy + m[2] + cx;
      const sy = m[3] * dx + m[4] * dy + m[5] + cy;
      for (let c = 0; c < channels; c++)
        out[(c * height + y) * width + x] = sample(image, c, sy, sx, mode, fill);
    }
  }
  return { ...image, data: out };
}

/** Rotation by `degrees` counter-clockwise about the centre. */
export function rotateImage(image: ImageCHW, degrees: number, mode: Interpolation = 'bilinear'): ImageCHW {
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  return warpAffine(image, [cos, -sin, 0, sin, cos, 0], mode);
}

/** Translation by (dx, dy) pixels (integer shifts are exact under either mode). */
export function translateImage(
  image: ImageCHW,
  dx: number,
  dy: number,
  mode: Interpolation = 'nearest',
): ImageCHW {
  return warpAffine(image, [1, 0, -dx, 0, 1, -dy], mode);
}

/** Horizontal (axis 'x') or vertical shear by factor `s`. */
export function shearImage(
  image: ImageCHW,
  s: number,
  axis: 'x' | 'y',
  mode: Interpolation = 'bilinear',
): ImageCHW {
  return warpAffine(image, axis === 'x' ? [1, s, 0, 0, 1, 0] : [1, 0, 0, s, 1, 0], mode);
}

/** Random rotation in [-maxDegrees, maxDegrees] as an augmentation. */
export function randomRotate(maxDegrees: number, mode: Interpolation = 'bilinear'): Augment {
  return (image: ImageCHW, rng: Rng) => rotateImage(image, rng.uniform(-maxDegrees, maxDegrees), mode);
}
