/**
 * A matmul split into independent work units: (batch matrix, block of unitRows output rows, block of
 * unitCols output columns). Every output element is computed by exactly one unit, always with the same
 * order of additions over K whatever block it falls in, so any tiling and any split of the units (one
 * thread or many) gives bit-identical results. The pool uses finer tiles so that every thread gets work.
 */
import type { Contents, TypedArray } from '../dtype';
import { wasmGemmRows } from '../wasm/gemm';
import { directRows } from './matmul-direct';
import { MC, packedRows, resetPackCache } from './matmul-packed';
import type { MatmulPlan, UnitBlock } from './matmul-plan-types';

export type { MatmulPlan, UnitBlock } from './matmul-plan-types';
export { MC };

/**
 * What a plan's output must start as: units assign every element, but the packed kernel would write
 * nothing when K = 0 (the product is all zeros; plans send K = 0 to the direct kernel today).
 */
export function outputContents(plan: MatmulPlan): Contents {
  return plan.K > 0 ? 'empty' : 'zeros';
}

/** Number of work units of a plan. */
export function unitCount(plan: MatmulPlan): number {
  return unitsOfTiles(plan, plan.unitRows, plan.unitCols);
}

/** How many units the plan would have with rows x cols tiles. */
function unitsOfTiles(plan: MatmulPlan, rows: number, cols: number): number {
  return plan.aOffsets.length * Math.ceil(plan.M / rows) * Math.ceil(plan.N / cols);
}

/** Smallest unit tiles the pool uses: below these a unit's overhead (packing, dispatch) outweighs its work. */
const MIN_UNIT_ROWS = 16;
const MIN_UNIT_COLS = 64;
/** Units per thread the pool aims for, so that uneven units still balance. */
const UNITS_PER_THREAD = 3;

/**
 * The plan re-tiled for `threads` threads: row blocks halve (down to 16 rows), then column blocks
 * halve (down to 64 columns, multiples of 4), until there are a few units per thread. A weight
 * gradient (out, B*T) @ (B*T, in) has only out / 64 row blocks of MC rows: without this it runs on one thread.
 */
export function tileForThreads(plan: MatmulPlan, threads: number): MatmulPlan {
  const want = UNITS_PER_THREAD * threads;
  let rows = plan.unitRows;
  let cols = plan.unitCols;
  const count = () => unitsOfTiles(plan, rows, cols);
  while (count() < want && rows > MIN_UNIT_ROWS && plan.M > rows / 2) rows /= 2;
  while (count() < want && cols >= 2 * MIN_UNIT_COLS) cols = Math.ceil(cols / 8) * 4;
  return rows === plan.unitRows && cols === plan.unitCols
    ? plan
    : { ...plan, unitRows: rows, unitCols: cols };
}

/** Computes units [u0, u1) of the plan into `out` (dense (batch, M, N), any float / int typed array). */
export function runUnits(plan: MatmulPlan, out: TypedArray, u0: number, u1: number): void {
  resetPackCache();
  const { M, N, unitRows, unitCols } = plan;
  const colBlocks = Math.ceil(N / unitCols);
  const perMatrix = Math.ceil(M / unitRows) * colBlocks;
  for (let u = u0; u < u1; u++) {
    const t = Math.floor(u / perMatrix);
    const r = u - t * perMatrix;
    const rowBlock = Math.floor(r / colBlocks);
    const i0 = rowBlock * unitRows;
    const j0 = (r - rowBlock * colBlocks) * unitCols;
    const block: UnitBlock = {
      t,
      i0,
      rows: Math.min(unitRows, M - i0),
      j0,
      cols: Math.min(unitCols, N - j0),
    };
    if (plan.wasm && out instanceof Float32Array) wasmGemmRows(plan, block, out);
    else if (plan.direct) directRows(plan, block, out);
    else packedRows(plan, block, out);
    if (plan.bias !== null) addBias(plan, block, out);
  }
}

/** The unit's outputs += bias, while they are still in cache. */
function addBias(plan: MatmulPlan, u: UnitBlock, out: TypedArray): void {
  const { bias, biasOffset, biasStride, N } = plan;
  if (bias === null) return;
  const q0 = biasOffset + u.j0 * biasStride;
  for (let i = 0, o = (u.t * plan.M + u.i0) * N + u.j0; i < u.rows; i++, o += N) {
    for (let j = 0, q = q0; j < u.cols; j++, q += biasStride) out[o + j] += bias[q];
  }
}
