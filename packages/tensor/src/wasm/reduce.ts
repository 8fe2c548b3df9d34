/**
 * sum and mean of contiguous float32 arrays on the wasm tier, over leading axes (axes 0..k-1, e.g. a bias
 * gradient (B, T, C) -> (C)) or trailing axes (k..rank-1), accumulated in float64 like the scalar kernel.
 * Rows go through in chunks of about CHUNK floats (operands.ts). Other ops, axis sets, dtypes and views
 * return null (the scalar kernel runs them).
 */
import type { ReduceOp } from '../backend';
import { checkAxes } from '../checks/reduce';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { reducedShape } from '../shape';
import { claimArena } from './kernel-module';
import { CHUNK, contiguousF32, region } from './operands';

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
  // Chunks of whole rows, about CHUNK floats; a multiple of 4 rows when summing over them, so that the
  // four-row groups (and with them every sum) are the same as in one pass.
  const per = leading ? Math.max(4, 4 * Math.floor(CHUNK / n / 4)) : Math.max(1, Math.floor(CHUNK / n));
  const accLength = leading ? n : per;
  const at = region(per * n);
  const { arena } = claimArena('reduce', at + region(accLength, F64));
  const acc = new Float64Array(arena.memory.buffer, at, accLength);
  const out = allocate('float32', outCount);
  if (leading) acc.fill(0);
  for (let r = 0; r < rows; r += per) {
    const k = Math.min(per, rows - r);
    arena.f32.set(src.subarray(r * n, (r + k) * n), 0);
    if (leading) arena.kernels.sum_rows_f32(0, at, k, n);
    else {
      arena.kernels.sum_last_f32(0, at, k, n);
      for (let i = 0; i < k; i++) out[r + i] = op === 'mean' ? acc[i] / count : acc[i];
    }
  }
  if (leading) for (let j = 0; j < n; j++) out[j] = op === 'mean' ? acc[j] / count : acc[j];
  return NDArray.of(out, reducedShape(x.shape, axes, keepdims));
}
