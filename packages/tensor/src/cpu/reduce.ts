/**
 * Reductions. The input is walked once in its own storage order while a second "view" of a float64
 * accumulator, with stride 0 on the reduced axes, says where each element lands; so reducing any set
 * of axes is one cache-friendly pass with no transpose.
 */
import type { ArgReduceOp, ReduceOp } from '../backend';
import { checkAxes, checkNotEmpty } from '../checks/reduce';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { reducedShape, sizeOf } from '../shape';
import { planWalk, stridesWithZeros } from './walk';

/** sum / mean / max / min over `axes` (sorted, unique), optionally keeping them as size-1 dims. */
export function reduceKernel(op: ReduceOp, x: NDArray, axes: readonly number[], keepdims: boolean): NDArray {
  checkAxes(op, x, axes);
  if (op === 'max' || op === 'min') checkNotEmpty(op, x, axes);
  const accShape = reducedShape(x.shape, axes, true);
  const acc = new Float64Array(sizeOf(accShape));
  if (op === 'max') acc.fill(-Infinity);
  else if (op === 'min') acc.fill(Infinity);
  const accView = { strides: stridesWithZeros(x.shape, axes), offset: 0 };
  const { rows, inner, steps, starts } = planWalk(x.shape, [x, accView]);
  const [dx, da] = steps;
  const [sx, sa] = starts;
  const src = x.data;
  if (op === 'sum' || op === 'mean') {
    for (let r = 0; r < rows; r++) {
      let p = sx[r];
      let q = sa[r];
      if (da === 0) {
        let s = 0;
        for (let j = 0; j < inner; j++, p += dx) s += src[p];
        acc[q] += s;
      } else if (r + 3 < rows && sa[r + 1] === q && sa[r + 2] === q && sa[r + 3] === q) {
        // Four rows landing on the same accumulator row (a reduced leading axis, e.g. a bias gradient
        // summing dY over tokens): each accumulator is read and written once per four input rows.
        let p1 = sx[r + 1];
        let p2 = sx[r + 2];
        let p3 = sx[r + 3];
        for (let j = 0; j < inner; j++, p += dx, p1 += dx, p2 += dx, p3 += dx, q += da)
          acc[q] += src[p] + src[p1] + (src[p2] + src[p3]);
        r += 3;
      } else for (let j = 0; j < inner; j++, p += dx, q += da) acc[q] += src[p];
    }
    if (op === 'mean') {
      let count = 1;
      for (const a of axes) count *= x.shape[a];
      for (let i = 0; i < acc.length; i++) acc[i] /= count;
    }
  } else if (op === 'max') {
    // `v > m || Number.isNaN(v)` lets NaN win and then stick (v > NaN is false), like torch.max.
    for (let r = 0; r < rows; r++) {
      for (let j = 0, p = sx[r], q = sa[r]; j < inner; j++, p += dx, q += da) {
        const v = src[p];
        if (v > acc[q] || Number.isNaN(v)) acc[q] = v;
      }
    }
  } else {
    for (let r = 0; r < rows; r++) {
      for (let j = 0, p = sx[r], q = sa[r]; j < inner; j++, p += dx, q += da) {
        const v = src[p];
        if (v < acc[q] || Number.isNaN(v)) acc[q] = v;
      }
    }
  }
  const out = allocate(x.dtype, acc.length);
  out.set(acc);
  return NDArray.of(out, reducedShape(x.shape, axes, keepdims));
}

/** Index (int32) of the first max / min along `axis`; a NaN counts as the extreme (like torch). */
export function argReduceKernel(op: ArgReduceOp, x: NDArray, axis: number, keepdims: boolean): NDArray {
  checkAxes(op, x, [axis]);
  checkNotEmpty(op, x, [axis]);
  const n = x.shape[axis];
  const outShape = reducedShape(x.shape, [axis], keepdims);
  const out = new Int32Array(sizeOf(outShape));
  // Move `axis` last so each row of the walk is one output element.
  const order = [...Array(x.rank).keys()].filter((a) => a !== axis);
  order.push(axis);
  const moved = x.permute(order);
  const { rows, steps, starts } = planWalk(moved.shape, [moved], true);
  const d = steps[0];
  const st = starts[0];
  const src = x.data;
  const wantMax = op === 'argmax';
  for (let r = 0; r < rows; r++) {
    let p = st[r];
    let best = src[p];
    let at = 0;
    if (!Number.isNaN(best)) {
      p += d;
      for (let j = 1; j < n; j++, p += d) {
        const v = src[p];
        if (Number.isNaN(v)) {
          at = j;
          break;
        }
        if (wantMax ? v > best : v < best) {
          best = v;
          at = j;
        }
      }
    }
    out[r] = at;
  }
  return NDArray.of(out, outShape);
}
