/**
 * Views: shape + strides + offset over shared storage. Every function here is metadata only;
 * none touches element data. A view op that cannot be expressed without a copy returns null.
 */
import { contiguousStrides, formatShape, inferReshape, normalizeAxis } from './shape';

export interface View {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** True when elements are laid out in row-major order with no gaps, starting at `offset`. */
export function isContiguous(view: View): boolean {
  let expected = 1;
  for (let i = view.shape.length - 1; i >= 0; i--) {
    const d = view.shape[i];
    if (d === 1) continue;
    if (view.strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/**
 * Reshape without copying when the strides allow it (NumPy's attempt_nocopy_reshape), else null.
 * Works for contiguous views and for views whose merged dims are contiguous with each other.
 */
export function reshapeView(view: View, target: readonly number[]): View | null {
  const shape = inferReshape('reshape', view.shape, target);
  if (isContiguous(view)) return { shape, strides: contiguousStrides(shape), offset: view.offset };
  // Drop size-1 dims of the source; they never constrain strides.
  const oldShape: number[] = [];
  const oldStrides: number[] = [];
  for (let i = 0; i < view.shape.length; i++) {
    if (view.shape[i] !== 1) {
      oldShape.push(view.shape[i]);
      oldStrides.push(view.strides[i]);
    }
  }
  if (shape.includes(0)) return { shape, strides: contiguousStrides(shape), offset: view.offset };
  const newStrides = new Array<number>(shape.length).fill(0);
  let oi = 0;
  let oj = 1;
  let ni = 0;
  let nj = 1;
  while (ni < shape.length && oi < oldShape.length) {
    let np = shape[ni];
    let op = oldShape[oi];
    while (np !== op) {
      if (np < op) np *= shape[nj++];
      else op *= oldShape[oj++];
    }
    // The old dims [oi, oj) must be mutually contiguous to merge.
    for (let k = oi; k < oj - 1; k++) {
      if (oldStrides[k] !== oldShape[k + 1] * oldStrides[k + 1]) return null;
    }
    newStrides[nj - 1] = oldStrides[oj - 1];
    for (let k = nj - 1; k > ni; k--) newStrides[k - 1] = newStrides[k] * shape[k];
    ni = nj++;
    oi = oj++;
  }
  // Trailing size-1 dims of the target get stride 1 (their stride never matters).
  for (let k = ni; k < shape.length; k++) newStrides[k] = 1;
  return { shape, strides: newStrides, offset: view.offset };
}

/** Reorders axes; `axes` must be a permutation of 0..rank-1. */
export function permuteView(view: View, axes: readonly number[]): View {
  const rank = view.shape.length;
  if (axes.length !== rank) {
    throw new RangeError(
      `permute: ${axes.length} axes given for a tensor of shape ${formatShape(view.shape)}`,
    );
  }
  const resolved = axes.map((a) => normalizeAxis('permute', a, rank));
  if (new Set(resolved).size !== rank)
    throw new RangeError(`permute: [${axes.join(', ')}] is not a permutation`);
  return {
    shape: resolved.map((a) => view.shape[a]),
    strides: resolved.map((a) => view.strides[a]),
    offset: view.offset,
  };
}

/** Broadcasts to `shape` by giving expanded dims stride 0 (NumPy broadcast_to). */
export function expandView(view: View, shape: readonly number[]): View {
  const rank = shape.length;
  if (rank < view.shape.length) {
    throw new RangeError(
      `expand: cannot expand ${formatShape(view.shape)} to fewer dims ${formatShape(shape)}`,
    );
  }
  const lead = rank - view.shape.length;
  const strides = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    if (i < lead) {
      strides[i] = 0;
      continue;
    }
    const d = view.shape[i - lead];
    if (d === shape[i]) strides[i] = view.strides[i - lead];
    else if (d === 1) strides[i] = 0;
    else {
      throw new RangeError(
        `expand: cannot expand ${formatShape(view.shape)} to ${formatShape(shape)}: dim ${i} is ${d}, not 1 or ${shape[i]}`,
      );
    }
  }
  return { shape: [...shape], strides, offset: view.offset };
}

/** One axis of a slice: Python's start:stop:step (negative indices count from the end). */
export interface SliceRange {
  start?: number;
  stop?: number;
  step?: number;
}

/** Resolves a Python-style range against a dim of size `n`: first index, count and step. */
export function resolveRange(
  op: string,
  r: SliceRange,
  n: number,
): { start: number; count: number; step: number } {
  const step = r.step ?? 1;
  if (!Number.isInteger(step) || step === 0)
    throw new RangeError(`${op}: slice step must be a non-zero integer, got ${step}`);
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let start: number;
  let stop: number;
  if (step > 0) {
    start = r.start === undefined ? 0 : clamp(r.start < 0 ? r.start + n : r.start, 0, n);
    stop = r.stop === undefined ? n : clamp(r.stop < 0 ? r.stop + n : r.stop, 0, n);
  } else {
    start = r.start === undefined ? n - 1 : clamp(r.start < 0 ? r.start + n : r.start, -1, n - 1);
    stop = r.stop === undefined ? -1 : clamp(r.stop < 0 ? r.stop + n : r.stop, -1, n - 1);
  }
  const count =
    step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((stop - start) / step));
  return { start, count, step };
}

/** Slices each axis with a range (missing trailing axes are kept whole). */
export function sliceView(view: View, ranges: readonly SliceRange[]): View {
  if (ranges.length > view.shape.length) {
    throw new RangeError(`slice: ${ranges.length} ranges for a tensor of shape ${formatShape(view.shape)}`);
  }
  let offset = view.offset;
  const shape = [...view.shape];
  const strides = [...view.strides];
  for (let i = 0; i < ranges.length; i++) {
    const { start, count, step } = resolveRange('slice', ranges[i], view.shape[i]);
    if (count > 0) offset += start * view.strides[i];
    shape[i] = count;
    strides[i] = view.strides[i] * step;
  }
  return { shape, strides, offset };
}

/** Removes size-1 dims (all, or the given ones, which must be size 1). */
export function squeezeView(view: View, axes?: readonly number[]): View {
  const rank = view.shape.length;
  const drop = new Set(
    axes === undefined
      ? view.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : axes.map((a) => {
          const ax = normalizeAxis('squeeze', a, rank);
          if (view.shape[ax] !== 1) {
            throw new RangeError(
              `squeeze: dim ${ax} of ${formatShape(view.shape)} has size ${view.shape[ax]}, not 1`,
            );
          }
          return ax;
        }),
  );
  return {
    shape: view.shape.filter((_, i) => !drop.has(i)),
    strides: view.strides.filter((_, i) => !drop.has(i)),
    offset: view.offset,
  };
}

/** Inserts a size-1 dim at `axis` (in the result's numbering). */
export function unsqueezeView(view: View, axis: number): View {
  const ax = normalizeAxis('unsqueeze', axis, view.shape.length + 1);
  const shape = [...view.shape];
  const strides = [...view.strides];
  shape.splice(ax, 0, 1);
  strides.splice(ax, 0, ax < view.strides.length ? view.strides[ax] * view.shape[ax] : 1);
  return { shape, strides, offset: view.offset };
}
