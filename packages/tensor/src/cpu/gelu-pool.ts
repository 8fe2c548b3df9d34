/**
 * GELU and its backward (float32, wasm tier) on the worker pool: units are ranges of UNIT elements, each
 * computed by the same SIMD loop as on one thread (wasm/gelu.ts), so results are bit-identical for any
 * thread count. In a training step these run between two pooled Linears: x (and dy) are usually the pool's
 * own results, already on shared storage, and the output is too.
 */
import type { GeluApproximate } from '../backend';
import { allocateShared } from '../dtype';
import { NDArray } from '../ndarray';
import { geluInto, geluOperands } from '../wasm/gelu';
import type { MatmulThreading } from './matmul';
import { poolRuns, runPoolJob, SharedCopies } from './thread-pool';

/** Elements per unit: 128 KiB of each operand, a few units per thread at a ViT's MLP width. */
const UNIT = 1 << 15;
/**
 * Time of one element in matmul multiply-adds, to weigh a job against threading.minMacs: 1.2 ns forward
 * and 2 ns backward an element where the GEMM does a multiply-add in 0.05 ns (C-step profile, wasm tier).
 */
const GELU_MACS = 32;

/** A GELU job as the pool posts it: the forward when dy is null, else the backward. */
export interface GeluJobMessage {
  readonly job: 'gelu';
  readonly seq: number;
  readonly xs: Float32Array;
  readonly gs: Float32Array | null;
  readonly out: Float32Array;
}

/** The units of a GELU job: ranges of UNIT elements. */
export function geluUnits(m: GeluJobMessage): { total: number; run: (unit: number) => void } {
  const n = m.out.length;
  return {
    total: Math.ceil(n / UNIT),
    run: (u) => {
      const [lo, hi] = [u * UNIT, Math.min(n, (u + 1) * UNIT)];
      geluInto(m.xs.subarray(lo, hi), m.gs === null ? null : m.gs.subarray(lo, hi), m.out.subarray(lo, hi));
    },
  };
}

/** gelu(x), or dy * gelu'(x) when dy is given, on the pool; null when it should run on this thread. */
export function geluOnPool(
  x: NDArray,
  dy: NDArray | null,
  approximate: GeluApproximate,
  threading: MatmulThreading,
): NDArray | null {
  const ops = geluOperands(x, dy, approximate);
  if (ops === null || threading.threads < 2 || !poolRuns()) return null;
  const n = ops.xs.length;
  const total = Math.ceil(n / UNIT);
  if (total < 2 || n * GELU_MACS < threading.minMacs) return null;
  const copies = new SharedCopies();
  const xs = copies.of(ops.xs);
  const gs = ops.gs === null ? null : copies.of(ops.gs);
  const out = allocateShared('float32', n, 'empty');
  const done = runPoolJob(total, threading, copies, (seq) => {
    const message: GeluJobMessage = { job: 'gelu', seq, xs, gs, out };
    return { message, run: geluUnits(message).run };
  });
  return done ? NDArray.of(out, x.shape) : null;
}
