/**
 * Fused attention backward on the WebAssembly tier (float32), per (batch, KV head) as in
 * cpu/attention-backward.ts. K, K^T and V^T are copied in once; per query head and chunk of rows:
 *   p = exp(s - lse)                 gemm_f32 + exp_shift_f32 (or the weights the forward kept)
 *   dP = dOut V^T                    gemm_f32          (rows, Dv) @ (Dv, S)
 *   dv += p^T dOut                   gemm_f32          (S, rows) @ (rows, Dv), p^T read through strides
 *   dS = p (dP - sum(p dP))          softmax_grad_f32  (sum(p dP) = dOut . out, from the row itself)
 *   dq = dS K * scale                gemm_f32          (rows, S) @ (S, D)
 *   dk += dS^T (q * scale)           gemm_f32          (S, rows) @ (rows, D)
 * dk / dv are summed in the arena over the KV head's query heads in ascending order, then row order:
 * the result does not depend on how (batch, KV head) units are spread over threads.
 */
import type { AttentionArgs, AttentionKernelGrads, AttentionKernelResult } from '../backend';
import { type AttentionPlan, checkSaved, planAttention } from '../checks/attention';
import { allocate, type TypedArray } from '../dtype';
import { NDArray } from '../ndarray';
import {
  type AttentionLayout,
  attentionLayout,
  headRowsIn,
  headTransposedIn,
  maskScores,
  tileOut,
} from './attention-layout';
import { stageBatch } from './attention-staging';
import { GEMM_NR } from './gemm-kernel';
import type { Arena } from './kernel-module';

const F32 = 4;
const PANEL = GEMM_NR * F32;

/** attentionBackward on the wasm tier, or null for float64 (the scalar kernel runs it). */
export function attentionBackwardWasm(
  args: AttentionArgs,
  saved: AttentionKernelResult,
  dOut: NDArray,
): AttentionKernelGrads | null {
  const op = 'attentionBackward';
  const plan = planAttention(op, args);
  checkSaved(op, plan, saved, dOut);
  if (args.q.dtype !== 'float32') return null;
  const layout = attentionLayout(plan);
  const { B, Hq, Hkv, T, S, D, Dv } = plan;
  const dq = allocate('float32', B * Hq * T * D);
  const dk = allocate('float32', B * Hkv * S * D);
  const dv = allocate('float32', B * Hkv * S * Dv);
  for (let b = 0; b < B; b++) {
    for (let g = 0; g < Hkv; g++) backwardGroupWasm(plan, layout, args, saved, dOut, b, g, { dq, dk, dv });
  }
  return {
    dq: NDArray.of(dq, [B, Hq, T, D]),
    dk: NDArray.of(dk, [B, Hkv, S, D]),
    dv: NDArray.of(dv, [B, Hkv, S, Dv]),
  };
}

/** Gradients for KV head g of batch b and every query head mapped to it. */
export function backwardGroupWasm(
  plan: AttentionPlan,
  w: AttentionLayout,
  args: AttentionArgs,
  saved: AttentionKernelResult,
  dOut: NDArray,
  b: number,
  g: number,
  grads: { readonly dq: TypedArray; readonly dk: TypedArray; readonly dv: TypedArray },
): void {
  const { Hq, Hkv, T, S, D, Dv } = plan;
  const heads = plan.headsOf[g];
  if (heads.length === 0 || T === 0 || S === 0) return; // dq stays 0 when there are no keys
  const { q, k, v, scale } = args;
  const { lse, weights } = saved;
  const { arena, bases } = stageBatch(w, b, [q, k, v, dOut]);
  const [qAt, kAt, vAt, dOutAt] = bases;
  const { f32, kernels } = arena;
  const { Dp, Dvp, Sp, S4 } = w;
  headRowsIn(k, kAt, b, g, 0, S, D, arena, w, w.K, Dp, 1);
  headTransposedIn(k, kAt, b, g, S, D, arena, w.KT, Sp);
  headTransposedIn(v, vAt, b, g, S, Dv, arena, w.VT, Sp);
  f32.fill(0, w.dK, w.dK + S * Dp);
  f32.fill(0, w.dV, w.dV + S * Dvp);
  for (const h of heads) {
    for (let t0 = 0; t0 < T; t0 += w.chunk) {
      const rows = Math.min(w.chunk, T - t0);
      const row0 = (b * Hq + h) * T + t0;
      headRowsIn(q, qAt, b, h, t0, rows, D, arena, w, w.Q, Dp, scale);
      headRowsIn(dOut, dOutAt, b, h, t0, rows, Dv, arena, w, w.dO, Dvp, 1);
      headRowsIn(lse, null, b, h, t0, rows, 1, arena, w, w.L, 1, 1);
      // Pads of p are 0 (kept weights padded with 0, recomputed ones from -Infinity), so sum(p dP) is the row's.
      if (weights) headRowsIn(weights, null, b, h, t0, rows, S, arena, w, w.P, Sp, 1);
      else recomputeP(plan, w, arena, b, h, t0, rows);
      // dP: dOut (rows, Dv) @ V^T (Dv, Sp)
      kernels.gemm_f32(
        w.dO * F32,
        Dvp * F32,
        F32,
        w.VT * F32,
        Sp * F32,
        PANEL,
        w.dP * F32,
        Sp * F32,
        rows,
        Sp / GEMM_NR,
        Dv,
        0,
      );
      // dv += p^T (S, rows) @ dOut (rows, Dvp)
      kernels.gemm_f32(
        w.P * F32,
        F32,
        Sp * F32,
        w.dO * F32,
        Dvp * F32,
        PANEL,
        w.dV * F32,
        Dvp * F32,
        S,
        Dvp / GEMM_NR,
        rows,
        1,
      );
      kernels.softmax_grad_f32(w.P * F32, w.dP * F32, w.P * F32, rows, S4, Sp * F32);
      // A fully blocked row (lse -Infinity) has every score masked: its dS is 0 (p there is NaN and stays in dv).
      for (let r = 0; r < rows; r++)
        if (f32[w.L + r] === Number.NEGATIVE_INFINITY) f32.fill(0, w.P + r * Sp, w.P + (r + 1) * Sp);
      // dq = dS (rows, S) @ K (S, Dp), times scale on the way out
      kernels.gemm_f32(
        w.P * F32,
        Sp * F32,
        F32,
        w.K * F32,
        Dp * F32,
        PANEL,
        w.dQ * F32,
        Dp * F32,
        rows,
        Dp / GEMM_NR,
        S,
        0,
      );
      tileOut(arena, w, w.dQ, Dp, rows, D, grads.dq, row0 * D, scale);
      // dk += dS^T (S, rows) @ (q * scale) (rows, Dp)
      kernels.gemm_f32(
        w.P * F32,
        F32,
        Sp * F32,
        w.Q * F32,
        Dp * F32,
        PANEL,
        w.dK * F32,
        Dp * F32,
        S,
        Dp / GEMM_NR,
        rows,
        1,
      );
    }
  }
  const kvRow = (b * Hkv + g) * S;
  tileOut(arena, w, w.dK, Dp, S, D, grads.dk, kvRow * D, 1);
  tileOut(arena, w, w.dV, Dvp, S, Dv, grads.dv, kvRow * Dv, 1);
}

/** p = exp(s - lse) for the chunk's rows: masked scores and pad columns are -Infinity, so they give 0. */
function recomputeP(
  plan: AttentionPlan,
  w: AttentionLayout,
  arena: Arena,
  b: number,
  h: number,
  t0: number,
  rows: number,
): void {
  const { f32, kernels } = arena;
  const { Dp, Sp } = w;
  kernels.gemm_f32(
    w.Q * F32,
    Dp * F32,
    F32,
    w.KT * F32,
    Sp * F32,
    PANEL,
    w.P * F32,
    Sp * F32,
    rows,
    Sp / GEMM_NR,
    plan.D,
    0,
  );
  maskScores(plan, b, h, t0, rows, f32, w.P, Sp);
  kernels.exp_shift_f32(w.P * F32, rows, plan.S, Sp * F32, w.L * F32);
}
