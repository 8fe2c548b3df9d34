/**
 * A matmul as plain data (typed arrays and numbers, so a worker can receive it) and one unit of its work:
 * the types the plan (matmul-plan.ts) and the kernels that run a unit (matmul-direct.ts, matmul-packed.ts) share.
 */
import type { TypedArray } from '../dtype';

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
  /** float32 on the WebAssembly SIMD tier (wasm/gemm.ts): f32 sums instead of float64 ones. */
  readonly wasm: boolean;
  /** On the wasm tier, the relaxed-SIMD FMA kernel (opt-in, GQA_WASM_FMA=1): machine-dependent bits. */
  readonly fma: boolean;
  /** Optional bias (N values at biasOffset + j * biasStride) added to every output row (Linear). */
  readonly bias: TypedArray | null;
  readonly biasOffset: number;
  readonly biasStride: number;
  /** Output rows per work unit (1..MC) and output columns per work unit (>= 1; N = whole rows). */
  readonly unitRows: number;
  readonly unitCols: number;
}

/** One work unit: rows [i0, i0 + rows) and columns [j0, j0 + cols) of batch matrix t. */
export interface UnitBlock {
  readonly t: number;
  readonly i0: number;
  readonly rows: number;
  readonly j0: number;
  readonly cols: number;
}
