/**
 * Fused attention on the worker pool. Units are (batch, KV head) pairs: each computes its query heads'
 * outputs (forward) or its dq rows and its own dk / dv (backward) exactly as on one thread, so results are
 * bit-identical for any thread count. A float32 job on the wasm tier runs the WebAssembly units (wasm/attention*.ts)
 * on each thread's own arena. The message carries the operands' storages (shared storage as it is, any
 * other copied once: q, k, v are usually views of one qkv array) and fresh shared outputs, which the
 * caller returns as they are.
 */
import type { AttentionArgs, AttentionKernelGrads, AttentionKernelResult } from '../backend';
import { type AttentionPlan, checkSaved, planAttention } from '../checks/attention';
import { allocateShared, type DType, type TypedArray } from '../dtype';
import { NDArray } from '../ndarray';
import { forwardGroupWasm } from '../wasm/attention';
import { backwardGroupWasm } from '../wasm/attention-backward';
import { attentionLayout } from '../wasm/attention-layout';
import type { KernelTier } from '../wasm/support';
import { forwardGroup } from './attention';
import { backwardGroup } from './attention-backward';
import { tileLayout } from './attention-scratch';
import type { MatmulThreading } from './matmul';
import { poolRuns, runPoolJob, SharedCopies } from './thread-pool';

/** An operand as the workers rebuild it: its storage (on a SharedArrayBuffer) and its view. */
export interface SharedOperand {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** What a worker needs for an attention job (posted once per job; its arrays are on SharedArrayBuffers). */
export interface AttentionJobMessage {
  readonly job: 'attention' | 'attentionBackward';
  readonly seq: number;
  readonly dtype: DType;
  /** Which units run: the scalar float64-workspace ones or the WebAssembly ones (float32 only). */
  readonly kernels: KernelTier;
  readonly kvHead: Int32Array;
  readonly scale: number;
  /** q, k, v, mask, then (backward) out, lse, weights, dOut; null where absent. */
  readonly inputs: readonly (SharedOperand | null)[];
  /** Forward: out, lse, weights (null unless kept). Backward: dq, dk, dv. Dense, zero-filled. */
  readonly outputs: readonly (TypedArray | null)[];
}

/** The operands as the workers rebuild them, their storages shared (copies made through `copies`). */
function shareOperands(arrays: readonly (NDArray | null)[], copies: SharedCopies): (SharedOperand | null)[] {
  const sharedOf = new Map<TypedArray, TypedArray>(); // one copy per storage
  return arrays.map((a) => {
    if (a === null) return null;
    let data = sharedOf.get(a.data);
    if (data === undefined) {
      data = copies.of(a.data);
      sharedOf.set(a.data, data);
    }
    return { data, shape: a.shape, strides: a.strides, offset: a.offset };
  });
}

function operand(s: SharedOperand | null): NDArray | null {
  return s === null ? null : new NDArray(s.data, { shape: s.shape, strides: s.strides, offset: s.offset });
}

/** The units of an attention job (on the caller and on every worker). */
export function attentionUnits(m: AttentionJobMessage): { total: number; run: (unit: number) => void } {
  const [q, k, v, mask, out, lse, weights, dOut] = m.inputs.map(operand);
  const [o0, o1, o2] = m.outputs;
  if (q === null || k === null || v === null || o0 === null || o1 === null) {
    throw new Error(`${m.job} pool job: q, k, v and the first two outputs are required`);
  }
  const args: AttentionArgs = { q, k, v, kvHead: m.kvHead, scale: m.scale, mask };
  const plan = planAttention(m.job, args);
  const Hkv = plan.Hkv;
  const total = plan.B * Hkv;
  const wasm = m.kernels === 'wasm' ? attentionLayout(plan) : null;
  const tiles = wasm === null ? tileLayout(plan) : null;
  if (wasm === null && tiles === null)
    throw new Error(`${m.job} pool job: the tiles do not fit the workspace`);
  if (m.job === 'attention') {
    const results = { out: o0, lse: o1, weights: o2 };
    return {
      total,
      run: (u) => {
        const [b, g] = [Math.floor(u / Hkv), u % Hkv];
        if (wasm !== null) forwardGroupWasm(plan, wasm, args, b, g, results);
        else if (tiles !== null) forwardGroup(plan, tiles, args, b, g, results);
      },
    };
  }
  if (out === null || lse === null || dOut === null || o2 === null) {
    throw new Error('attentionBackward pool job: out, lse, dOut and dv are required');
  }
  const saved = { out, lse, weights };
  const grads = { dq: o0, dk: o1, dv: o2 };
  return {
    total,
    run: (u) => {
      const [b, g] = [Math.floor(u / Hkv), u % Hkv];
      if (wasm !== null) backwardGroupWasm(plan, wasm, args, saved, dOut, b, g, grads);
      else if (tiles !== null) backwardGroup(plan, tiles, args, saved, dOut, b, g, grads);
    },
  };
}

/** Whether the units write every output element: each KV head owns a query head, and there are queries and keys. */
function everyRowWritten(plan: AttentionPlan): boolean {
  return plan.T > 0 && plan.S > 0 && plan.headsOf.every((heads) => heads.length > 0);
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
  tier: KernelTier,
): (TypedArray | null)[] | null {
  const { B, Hq, Hkv, T, S, D, Dv } = plan;
  const units = B * Hkv;
  const macs = B * Hq * T * S * (D + Dv);
  const q = arrays[0];
  if (q === null || threading.threads < 2 || units < 2 || macs < threading.minMacs || !poolRuns())
    return null;
  // float64 keeps the scalar units; those need the fixed workspace (larger shapes are composed on one thread).
  const kernels = tier === 'wasm' && q.dtype === 'float32' ? 'wasm' : 'js';
  if (kernels === 'js' && tileLayout(plan) === null) return null;
  const copies = new SharedCopies();
  const inputs = shareOperands(arrays, copies);
  // Each unit overwrites every element of its rows; only rows that no unit writes (a KV head that owns no
  // query head, no queries or no keys) must read 0, so only such plans pay for zero-filled outputs.
  const contents = everyRowWritten(plan) ? 'empty' : 'zeros';
  const outputs = outputLengths.map((n) => (n === null ? null : allocateShared(q.dtype, n, contents)));
  const done = runPoolJob(units, threading, copies, (seq) => {
    const message: AttentionJobMessage = {
      job,
      seq,
      dtype: q.dtype,
      kernels,
      kvHead,
      scale,
      inputs,
      outputs,
    };
    return { message, run: attentionUnits(message).run };
  });
  return done ? outputs : null;
}

/** attentionKernel on the worker pool, or null when it should run on this thread (small, or no pool). */
export function attentionOnPool(
  args: AttentionArgs,
  keepWeights: boolean,
  threading: MatmulThreading,
  tier: KernelTier,
): AttentionKernelResult | null {
  const { q, k, v, kvHead, scale, mask } = args;
  const plan = planAttention('attention', args);
  const { B, Hq, T, S, Dv } = plan;
  const sizes = [B * Hq * T * Dv, B * Hq * T, keepWeights ? B * Hq * T * S : null];
  const outs = runAttentionJob('attention', plan, [q, k, v, mask], sizes, kvHead, scale, threading, tier);
  if (outs === null || outs[0] === null || outs[1] === null) return null;
  return {
    out: NDArray.of(outs[0], [B, Hq, T, Dv]),
    lse: NDArray.of(outs[1], [B, Hq, T]),
    weights: outs[2] ? NDArray.of(outs[2], [B, Hq, T, S]) : null,
  };
}

/** attentionBackwardKernel on the worker pool, or null when it should run on this thread. */
export function attentionBackwardOnPool(
  args: AttentionArgs,
  saved: AttentionKernelResult,
  dOut: NDArray,
  threading: MatmulThreading,
  tier: KernelTier,
): AttentionKernelGrads | null {
  const op = 'attentionBackward';
  const { q, k, v, kvHead, scale, mask } = args;
  const plan = planAttention(op, args);
  checkSaved(op, plan, saved, dOut);
  const { B, Hq, Hkv, T, S, D, Dv } = plan;
  const arrays = [q, k, v, mask, saved.out, saved.lse, saved.weights, dOut];
  const sizes = [B * Hq * T * D, B * Hkv * S * D, B * Hkv * S * Dv];
  const outs = runAttentionJob(op, plan, arrays, sizes, kvHead, scale, threading, tier);
  if (outs === null || outs[0] === null || outs[1] === null || outs[2] === null) return null;
  return {
    dq: NDArray.of(outs[0], [B, Hq, T, D]),
    dk: NDArray.of(outs[1], [B, Hkv, S, D]),
    dv: NDArray.of(outs[2], [B, Hkv, S, Dv]),
  };
}
