/**
 * sum and mean of contiguous float32 arrays on the wasm tier, over leading axes (axes 0..k-1, e.g. a bias
 * gradient (B, T, C) -> (C)) or trailing axes (k..rank-1), accumulated in float64 like the scalar kernel.
 * Other ops, axis sets, dtypes and views return null (the scalar kernel runs them).
 */
import type { ReduceOp } from '../backend';
import { checkAxes } from '../checks/reduce';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { reducedShape } from '../shape';
import { claimArena } from './kernel-module';
import { contiguousF32, region } from './operands';

const F64 = 8;

/** sum / mean over `axes` (sorted, unique) on the wasm tier, or null where the scalar kernel must run it. */
export function reduceWasm(
  op: ReduceOp,
  x: NDArray,
  axes: readonly number[],
  keepdims: boolean,
): NDArray | null {
  checkAxes(op, x, axes);
  const src = op === 'sum' || op === 'mean' ? contiguousF32(x) : null;
  const k = axes.length;
  if (src === null || k === 0 || x.size === 0) return null;
  const trailing = axes.every((a, i) => a === x.rank - k + i);
  // Reducing every axis is the trailing case (the scalar kernel sums it in one chain, not in row groups).
  const leading = !trailing && axes.every((a, i) => a === i);
  if (!leading && !trailing) return null;
  // (rows, n): the reduced axes are the rows (leading) or the columns (trailing).
  const split = leading ? k : x.rank - k;
  const rows = x.shape.slice(0, split).reduce((p, d) => p * d, 1);
  const n = x.size / rows;
  const outCount = leading ? n : rows;
  const count = leading ? rows : n;
  const { arena } = claimArena('reduce', region(x.size) + region(outCount, F64));
  const at = region(x.size);
  const acc = new Float64Array(arena.memory.buffer, at, outCount);
  arena.f32.set(src, 0);
  if (leading) {
    acc.fill(0);
    arena.kernels.sum_rows_f32(0, at, rows, n);
  } else arena.kernels.sum_last_f32(0, at, rows, n);
  const out = allocate('float32', outCount);
  if (op === 'mean') for (let i = 0; i < outCount; i++) out[i] = acc[i] / count;
  else out.set(acc);
  return NDArray.of(out, reducedShape(x.shape, axes, keepdims));
}
