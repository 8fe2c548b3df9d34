/** Reductions: gather the elements that land in each output element, then fold them in float64. */
import type { ArgReduceOp, ReduceOp } from '../backend';
import { checkAxes, checkNotEmpty } from '../checks/reduce';
import type { NDArray } from '../ndarray';
import { reducedShape, sizeOf } from '../shape';
import { flatIndex, indices, store } from './loops';

/** For each output element (keepdims layout), the input values reduced into it, in row-major order. */
export function groupsOf(x: NDArray, axes: readonly number[]): number[][] {
  const kept = reducedShape(x.shape, axes, true);
  const groups: number[][] = Array.from({ length: sizeOf(kept) }, () => []);
  const values = x.values();
  indices(x.shape).forEach((idx, i) => {
    const out = idx.map((v, d) => (axes.includes(d) ? 0 : v));
    groups[flatIndex(kept, out)].push(values[i]);
  });
  return groups;
}

const FOLDS: Record<ReduceOp, (values: number[]) => number> = {
  sum: (v) => v.reduce((s, t) => s + t, 0),
  mean: (v) => v.reduce((s, t) => s + t, 0) / v.length,
  max: (v) => v.reduce((m, t) => (t > m || Number.isNaN(t) ? t : m), -Infinity),
  min: (v) => v.reduce((m, t) => (t < m || Number.isNaN(t) ? t : m), Infinity),
};

export function reduce(op: ReduceOp, x: NDArray, axes: readonly number[], keepdims: boolean): NDArray {
  checkAxes(op, x, axes);
  if (op === 'max' || op === 'min') checkNotEmpty(op, x, axes);
  const values = groupsOf(x, axes).map(FOLDS[op]);
  return store(values, reducedShape(x.shape, axes, keepdims), x.dtype);
}

/** The first index of the extreme; a NaN counts as the extreme (like torch). */
export function argReduce(op: ArgReduceOp, x: NDArray, axis: number, keepdims: boolean): NDArray {
  checkAxes(op, x, [axis]);
  checkNotEmpty(op, x, [axis]);
  const better = op === 'argmax' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const values = groupsOf(x, [axis]).map((v) => {
    let best = 0;
    for (let i = 1; i < v.length && !Number.isNaN(v[best]); i++) {
      if (better(v[i], v[best]) || Number.isNaN(v[i])) best = i;
    }
    return best;
  });
  return store(values, reducedShape(x.shape, [axis], keepdims), 'int32');
}
