/**
 * A matmul split into independent work units: (batch matrix, block of MC output rows). Every output
 * element is computed by exactly one unit, always with the same order of additions over K, so any
 * split of the units (one thread or many) gives bit-identical results.
 */
import type { TypedArray } from '../dtype';
import { directRows } from './matmul-direct';
import { MC, packedRows, resetPackCache } from './matmul-packed';

export { MC };

/** Everything a unit needs, as plain data (typed arrays + numbers) so a worker can receive it. */
export interface MatmulPlan {
  readonly a: TypedArray;
  readonly b: TypedArray;
  /** Storage offset of each batch matrix of a and b, in row-major batch order. */
  readonly aOffsets: Int32Array;
  readonly bOffsets: Int32Array;
  /** Row and column strides of a (M, K) and b (K, N). */
  readonly ars: number;
  readonly acs: number;
  readonly brs: number;
  readonly bcs: number;
  readonly M: number;
  readonly K: number;
  readonly N: number;
  /** Unpacked register tiles straight from the strided operands (small matrices) instead of packing. */
  readonly direct: boolean;
  /** Optional bias (N values at biasOffset + j * biasStride) added to every output row (Linear). */
  readonly bias: TypedArray | null;
  readonly biasOffset: number;
  readonly biasStride: number;
}

/** Number of work units of a plan. */
export function unitCount(plan: MatmulPlan): number {
  return plan.aOffsets.length * Math.ceil(plan.M / MC);
}

/** Computes units [u0, u1) of the plan into `out` (dense (batch, M, N), any float / int typed array). */
export function runUnits(plan: MatmulPlan, out: TypedArray, u0: number, u1: number): void {
  resetPackCache();
  const blocks = Math.ceil(plan.M / MC);
  for (let u = u0; u < u1; u++) {
    const t = Math.floor(u / blocks);
    const i0 = (u - t * blocks) * MC;
    const rows = Math.min(MC, plan.M - i0);
    if (plan.direct) directRows(plan, t, i0, rows, out);
    else packedRows(plan, t, i0, rows, out);
    if (plan.bias !== null) addBias(plan, (t * plan.M + i0) * plan.N, rows, out);
  }
}

/** out rows [o, o + rows * N) += bias, while they are still in cache. */
function addBias(plan: MatmulPlan, o: number, rows: number, out: TypedArray): void {
  const { bias, biasOffset, biasStride, N } = plan;
  if (bias === null) return;
  for (let i = 0; i < rows; i++, o += N) {
    for (let j = 0, q = biasOffset; j < N; j++, q += biasStride) out[o + j] += bias[q];
  }
}
