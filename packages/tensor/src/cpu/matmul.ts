/**
 * Batched matmul: (..., M, K) @ (..., K, N) -> (..., M, N) with broadcast batch dims, float64 sums.
 * Small matrices take the unpacked path (matmul-direct.ts), larger ones the packed path
 * (matmul-packed.ts); the choice depends on the shapes only, never on the thread count.
 */

import { checkLinear, checkMatmul } from '../checks/matmul';
import { allocate, dtypeOf } from '../dtype';
import { NDArray } from '../ndarray';
import { sizeOf } from '../shape';
import { expandView } from '../view';
import type { KernelTier } from '../wasm/support';
import { type MatmulPlan, MC, outputContents, runUnits, tileForThreads, unitCount } from './matmul-plan';
import { defaultThreadCount, runOnPool } from './thread-pool';
import { planWalk } from './walk';

/** Below this many multiply-adds per batch matrix (or with K or N this thin) packing costs more than it saves. */
const DIRECT_MAX_MACS = 48 * 48 * 48;
const DIRECT_THIN = 8;

/**
 * Validates the operands and builds the work plan of a @ b; `out` shape is (...batch, M, N). With the
 * 'wasm' tier, float32 products run on the WebAssembly SIMD kernel (f32 sums; float64 keeps the scalar path),
 * with `fma` on its relaxed-SIMD FMA variant.
 */
export function planMatmul(
  a: NDArray,
  b: NDArray,
  tier: KernelTier = 'js',
  fma = false,
): { plan: MatmulPlan; outShape: number[] } {
  const { batch, M, K, N } = checkMatmul(a, b);
  const aBatch = expandView(
    { shape: a.shape.slice(0, -2), strides: a.strides.slice(0, -2), offset: a.offset },
    batch,
  );
  const bBatch = expandView(
    { shape: b.shape.slice(0, -2), strides: b.strides.slice(0, -2), offset: b.offset },
    batch,
  );
  const plan: MatmulPlan = {
    a: a.data,
    b: b.data,
    aOffsets: batchOffsets(batch, aBatch.strides, a.offset),
    bOffsets: batchOffsets(batch, bBatch.strides, b.offset),
    ars: a.strides[a.rank - 2],
    acs: a.strides[a.rank - 1],
    brs: b.strides[b.rank - 2],
    bcs: b.strides[b.rank - 1],
    M,
    K,
    N,
    wasm: tier === 'wasm' && a.dtype === 'float32',
    fma: fma && tier === 'wasm' && a.dtype === 'float32',
    direct: K <= DIRECT_THIN || N <= DIRECT_THIN || M * K * N <= DIRECT_MAX_MACS,
    bias: null,
    biasOffset: 0,
    biasStride: 0,
    unitRows: MC,
    unitCols: Math.max(N, 1),
  };
  return { plan: plan.wasm ? foldBroadcastBatch(plan) : plan, outShape: [...batch, M, N] };
}

/**
 * x (B, T, C) @ W (C, N) as one (B*T, C) @ (C, N) product when every batch shares B and A's batch
 * matrices follow each other row after row: B is packed once instead of once per batch matrix. Only on the
 * wasm tier (its sums do not depend on M or the tiling); the scalar tier keeps its plans as they were.
 */
function foldBroadcastBatch(plan: MatmulPlan): MatmulPlan {
  const { aOffsets, bOffsets, M, ars } = plan;
  const n = aOffsets.length;
  if (n < 2) return plan;
  for (let t = 1; t < n; t++) {
    if (bOffsets[t] !== bOffsets[0] || aOffsets[t] !== aOffsets[0] + t * M * ars) return plan;
  }
  return { ...plan, aOffsets: aOffsets.subarray(0, 1), bOffsets: bOffsets.subarray(0, 1), M: n * M };
}

/** How a matmul may use the worker pool. */
export interface MatmulThreading {
  /** Threads including the caller; 1 = never use the pool. */
  readonly threads: number;
  /** Smallest matmul (batch * M * K * N multiply-adds) sent to the pool; 0 sends every one. */
  readonly minMacs: number;
  /**
   * Whether the caller takes units too (default true). Tests set false so that the workers compute
   * every unit and the shared-memory path is really exercised.
   */
  readonly callerWorks?: boolean;
}

/** Default pool use: GQA_THREADS threads for matmuls of at least 2^22 multiply-adds (about 1 ms of work: smaller ones cost more to share than they gain; 128^3 = 2^21 stays on one thread). */
export function defaultThreading(): MatmulThreading {
  return { threads: defaultThreadCount(), minMacs: 1 << 22 };
}

/**
 * a @ b for rank >= 2 operands of one dtype; float64 sums, stored in the input dtype. Large products are
 * shared with the worker pool; the result is bit-identical for any thread count.
 */
export function matmulKernel(
  a: NDArray,
  b: NDArray,
  threading: MatmulThreading = { threads: 1, minMacs: 0 },
  kernels: KernelTier = 'js',
  fma = false,
): NDArray {
  const { plan, outShape } = planMatmul(a, b, kernels, fma);
  return runPlan(plan, outShape, threading);
}

/**
 * y = x W^T + b: x (..., in), weight (out, in), bias (out) or null. The bias is added to each block of
 * output rows right after it is computed, so there is no second pass and no temporary.
 */
export function linearKernel(
  x: NDArray,
  weight: NDArray,
  bias: NDArray | null,
  threading: MatmulThreading = { threads: 1, minMacs: 0 },
  kernels: KernelTier = 'js',
  fma = false,
): NDArray {
  checkLinear(x, weight, bias);
  const x2 = x.rank === 1 ? x.reshape([1, x.shape[0]]) : x; // (..., in)
  const { plan, outShape } = planMatmul(x2, weight.transpose(0, 1), kernels, fma); // (..., in) @ (in, out)
  const withBias: MatmulPlan = bias
    ? { ...plan, bias: bias.data, biasOffset: bias.offset, biasStride: bias.strides[0] }
    : plan;
  const y = runPlan(withBias, outShape, threading);
  return x.rank === 1 ? y.reshape([weight.shape[0]]) : y;
}

/** Runs a plan on the calling thread or, when large enough, on the worker pool. */
function runPlan(plan: MatmulPlan, outShape: number[], threading: MatmulThreading): NDArray {
  const size = sizeOf(outShape);
  const macs = plan.aOffsets.length * plan.M * plan.K * plan.N;
  if (threading.threads > 1 && size > 0 && macs >= threading.minMacs) {
    const tiled = tileForThreads(plan, threading.threads);
    const units = unitCount(tiled);
    const callerWorks = threading.callerWorks ?? true;
    if (units > 1) {
      return NDArray.of(runOnPool(tiled, size, Math.min(threading.threads, units), callerWorks), outShape);
    }
  }
  const units = unitCount(plan);
  const out = allocate(dtypeOf(plan.a), size, outputContents(plan));
  if (size > 0) runUnits(plan, out, 0, units);
  return NDArray.of(out, outShape);
}

/** Storage offset of each batch matrix, in row-major batch order. */
function batchOffsets(batch: readonly number[], strides: readonly number[], offset: number): Int32Array {
  if (batch.length === 0) return Int32Array.of(offset);
  const walk = planWalk(batch, [{ strides, offset }]);
  const out = new Int32Array(walk.rows * walk.inner);
  const step = walk.steps[0];
  for (let r = 0, o = 0; r < walk.rows; r++)
    for (let j = 0, p = walk.starts[0][r]; j < walk.inner; j++, p += step) out[o++] = p;
  return out;
}
