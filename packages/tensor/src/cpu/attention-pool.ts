/**
 * Fused attention on the worker pool. Units are (batch, KV head) pairs: each computes its query heads'
 * outputs (forward) or its dq rows and its own dk / dv (backward) exactly as on one thread, so results are
 * bit-identical for any thread count. The operands' storages are copied once into the pool's extra shared
 * slots (q, k, v are usually views of one qkv array: one copy), outputs are written there and copied out.
 */
import type { AttentionKernelGrads, AttentionKernelResult } from '../backend';
import type { DType, TypedArray } from '../dtype';
import { NDArray } from '../ndarray';
import { forwardGroup } from './attention';
import { backwardGroup } from './attention-backward';
import { type AttentionPlan, checkSaved, planAttention } from './attention-plan';
import { tileLayout } from './attention-scratch';
import type { MatmulThreading } from './matmul';
import type { PoolBuffers } from './pool-control';
import { operandIn, outputIn, runSharedJob, type SharedOperand, type SharedOutput } from './pool-operands';

/** What a worker needs for an attention job (posted once per job; arrays travel as shared slots). */
export interface AttentionJobMessage {
  readonly job: 'attention' | 'attentionBackward';
  readonly seq: number;
  readonly dtype: DType;
  readonly kvHead: Int32Array;
  readonly scale: number;
  /** q, k, v, mask, then (backward) out, lse, weights, dOut; null where absent. */
  readonly inputs: readonly (SharedOperand | null)[];
  /** Forward: out, lse, weights (null unless kept). Backward: dq, dk, dv. */
  readonly outputs: readonly (SharedOutput | null)[];
}

/** The units of an attention job over the shared slots of `bufs` (the caller's and every worker's). */
export function attentionUnits(
  m: AttentionJobMessage,
  bufs: PoolBuffers,
): { total: number; run: (unit: number) => void } {
  const slots = bufs.extra;
  const [q, k, v, mask, out, lse, weights, dOut] = m.inputs.map((s) => operandIn(slots, s));
  const [o0, o1, o2] = m.outputs.map((s) => outputIn(slots, m.dtype, s));
  if (q === null || k === null || v === null || o0 === null || o1 === null) {
    throw new Error(`${m.job} pool job: q, k, v and the first two outputs are required`);
  }
  const plan = planAttention(m.job, q, k, v, m.kvHead, m.scale, mask);
  const tiles = tileLayout(plan);
  if (tiles === null) throw new Error(`${m.job} pool job: the tiles do not fit the workspace`);
  const Hkv = plan.Hkv;
  const total = plan.B * Hkv;
  if (m.job === 'attention') {
    const results = { out: o0, lse: o1, weights: o2 };
    return {
      total,
      run: (u) => forwardGroup(plan, tiles, q, k, v, m.scale, Math.floor(u / Hkv), u % Hkv, results),
    };
  }
  if (out === null || lse === null || dOut === null || o2 === null) {
    throw new Error('attentionBackward pool job: out, lse, dOut and dv are required');
  }
  const saved = { out, lse, weights, dOut };
  const grads = { dq: o0, dk: o1, dv: o2 };
  return {
    total,
    run: (u) => backwardGroup(plan, tiles, q, k, v, saved, m.scale, Math.floor(u / Hkv), u % Hkv, grads),
  };
}

/** Runs the job on the pool when it is large enough; the outputs, or null: compute on this thread. */
function runAttentionJob(
  job: AttentionJobMessage['job'],
  plan: AttentionPlan,
  arrays: readonly (NDArray | null)[],
  outputLengths: readonly (number | null)[],
  kvHead: Int32Array,
  scale: number,
  threading: MatmulThreading,
): (TypedArray | null)[] | null {
  const { B, Hq, Hkv, T, S, D, Dv } = plan;
  const units = B * Hkv;
  const macs = B * Hq * T * S * (D + Dv);
  if (threading.threads < 2 || units < 2 || macs < threading.minMacs || tileLayout(plan) === null)
    return null;
  const q = arrays[0];
  if (q === null) return null;
  return runSharedJob(units, threading, arrays, outputLengths, q.dtype, (seq, shared) => ({
    message: { job, seq, dtype: q.dtype, kvHead, scale, ...shared },
    runner: attentionUnits,
  }));
}

/** attentionKernel on the worker pool, or null when it should run on this thread (small, or no pool). */
export function attentionOnPool(
  q: NDArray,
  k: NDArray,
  v: NDArray,
  kvHead: Int32Array,
  scale: number,
  mask: NDArray | null,
  keepWeights: boolean,
  threading: MatmulThreading,
): AttentionKernelResult | null {
  const plan = planAttention('attention', q, k, v, kvHead, scale, mask);
  const { B, Hq, T, S, Dv } = plan;
  const sizes = [B * Hq * T * Dv, B * Hq * T, keepWeights ? B * Hq * T * S : null];
  const outs = runAttentionJob('attention', plan, [q, k, v, mask], sizes, kvHead, scale, threading);
  if (outs === null || outs[0] === null || outs[1] === null) return null;
  return {
    out: NDArray.of(outs[0], [B, Hq, T, Dv]),
    lse: NDArray.of(outs[1], [B, Hq, T]),
    weights: outs[2] ? NDArray.of(outs[2], [B, Hq, T, S]) : null,
  };
}

/** attentionBackwardKernel on the worker pool, or null when it should run on this thread. */
export function attentionBackwardOnPool(
  q: NDArray,
  k: NDArray,
  v: NDArray,
  saved: {
    readonly out: NDArray;
    readonly lse: NDArray;
    readonly weights: NDArray | null;
    readonly dOut: NDArray;
  },
  kvHead: Int32Array,
  scale: number,
  mask: NDArray | null,
  threading: MatmulThreading,
): AttentionKernelGrads | null {
  const op = 'attentionBackward';
  const plan = planAttention(op, q, k, v, kvHead, scale, mask);
  checkSaved(op, plan, saved.out, saved.lse, saved.dOut, saved.weights);
  const { B, Hq, Hkv, T, S, D, Dv } = plan;
  const arrays = [q, k, v, mask, saved.out, saved.lse, saved.weights, saved.dOut];
  const sizes = [B * Hq * T * D, B * Hkv * S * D, B * Hkv * S * Dv];
  const outs = runAttentionJob(op, plan, arrays, sizes, kvHead, scale, threading);
  if (outs === null || outs[0] === null || outs[1] === null || outs[2] === null) return null;
  return {
    dq: NDArray.of(outs[0], [B, Hq, T, D]),
    dk: NDArray.of(outs[1], [B, Hkv, S, D]),
    dv: NDArray.of(outs[2], [B, Hkv, S, Dv]),
  };
}
