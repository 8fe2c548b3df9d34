/** Movement ops: views where possible (reshape, permute, expand, slice), copies where not (pad, concat). */
import {
  type DType,
  formatShape,
  inferReshape,
  NDArray,
  normalizeAxis,
  type Padding,
  resolveRange,
  type SliceRange,
  shapesEqual,
} from '@gqa-lab/tensor';
import { indexSelectP } from '../primitives/indexing';
import {
  castP,
  concatP,
  contiguousP,
  expandP,
  padP,
  permuteP,
  reshapeP,
  sliceP,
} from '../primitives/movement';
import type { Tensor } from '../tensor';

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferReshape('reshape', x.shape, shape);
  return shapesEqual(target, x.shape) ? x : reshapeP([x], { shape: target });
}

/** Flattens dims start..end (inclusive) into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', start, x.rank);
  const e = normalizeAxis('flatten', end, x.rank);
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

export function permute(x: Tensor, axes: readonly number[]): Tensor {
  return permuteP([x], { axes: axes.map((a) => normalizeAxis('permute', a, x.rank)) });
}

/** Swaps two axes (default: the last two). */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const axes = Array.from({ length: x.rank }, (_, i) => i);
  const i = normalizeAxis('transpose', a, x.rank);
  const j = normalizeAxis('transpose', b, x.rank);
  axes[i] = j;
  axes[j] = i;
  return permute(x, axes);
}

/** Broadcasts x to `shape` without copying (stride-0 view). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(x.shape, shape) ? x : expandP([x], { shape });
}

export function squeeze(x: Tensor, axes?: readonly number[]): Tensor {
  const drop = axes
    ? axes.map((a) => normalizeAxis('squeeze', a, x.rank))
    : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of drop) {
    if (x.shape[a] !== 1)
      throw new RangeError(`squeeze: dim ${a} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !drop.includes(i)),
  );
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const ax = normalizeAxis('unsqueeze', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(ax, 0, 1);
  return reshape(x, shape);
}

/**
 * Python-style slicing per axis (`{ start, stop, step }`, negatives from the end). Unit steps are
 * views; other steps select indices (their backward is a scatter).
 */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  if (ranges.length > x.rank) {
    throw new RangeError(`slice: ${ranges.length} ranges for a tensor of shape ${formatShape(x.shape)}`);
  }
  const resolved = ranges.map((r, i) => resolveRange('slice', r, x.shape[i]));
  if (resolved.every((r) => r.step === 1)) return sliceP([x], { ranges });
  let out = x;
  resolved.forEach((r, axis) => {
    if (r.step === 1) {
      const unit: SliceRange[] = [];
      unit[axis] = { start: r.start, stop: r.start + r.count };
      for (let i = 0; i < axis; i++) unit[i] = {};
      out = sliceP([out], { ranges: unit });
      return;
    }
    const index = NDArray.of(
      Int32Array.from({ length: r.count }, (_, k) => r.start + k * r.step),
      [r.count],
    );
    out = indexSelectP([out], { axis, index });
  });
  return out;
}

/** Constant padding, one [before, after] pair per dim (missing leading dims are unpadded). */
export function pad(x: Tensor, pads: Padding, value = 0): Tensor {
  if (pads.length > x.rank)
    throw new RangeError(`pad: ${pads.length} pairs for a tensor of shape ${formatShape(x.shape)}`);
  const full: [number, number][] = x.shape.map((_, i) => {
    const p = pads[i - (x.rank - pads.length)];
    return p ? [p[0], p[1]] : [0, 0];
  });
  return padP([x], { pads: full, value });
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError('concat: needs at least one tensor');
  return concatP(xs, { axis: normalizeAxis('concat', axis, xs[0].rank) });
}

/** Stacks equal-shape tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError('stack: needs at least one tensor');
  const ax = normalizeAxis('stack', axis, xs[0].rank + 1);
  for (const t of xs) {
    if (!shapesEqual(t.shape, xs[0].shape)) {
      throw new RangeError(`stack: shapes ${formatShape(xs[0].shape)} and ${formatShape(t.shape)} differ`);
    }
  }
  return concat(
    xs.map((t) => unsqueeze(t, ax)),
    ax,
  );
}

/** Splits along `axis` into pieces of `sizes` (an array) or of equal size `sizes` (last may be smaller). */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const ax = normalizeAxis('split', axis, x.rank);
  const n = x.shape[ax];
  const parts: number[] = [];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0)
      throw new RangeError(`split: size must be a positive integer, got ${sizes}`);
    for (let s = 0; s < n; s += sizes) parts.push(Math.min(sizes, n - s));
  } else {
    parts.push(...sizes);
    const total = parts.reduce((a, b) => a + b, 0);
    if (total !== n)
      throw new RangeError(`split: sizes [${parts.join(', ')}] sum to ${total}, but dim ${ax} is ${n}`);
  }
  let start = 0;
  return parts.map((len) => {
    const ranges: SliceRange[] = x.shape.map(() => ({}));
    ranges[ax] = { start, stop: start + len };
    start += len;
    return sliceP([x], { ranges });
  });
}

/** Splits into `chunks` nearly equal pieces (torch.chunk). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  const ax = normalizeAxis('chunk', axis, x.rank);
  if (!Number.isInteger(chunks) || chunks <= 0)
    throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  return split(x, Math.max(1, Math.ceil(x.shape[ax] / chunks)), ax);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : castP([x], { dtype });
}

/** A dense row-major copy unless x already is one. */
export function contiguous(x: Tensor): Tensor {
  return x.data.isDense ? x : contiguousP([x], undefined);
}
