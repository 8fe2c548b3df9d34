/**
 * Fused attention backward on the CPU (FlashAttention-2 style): from the saved out and lse, each (batch, KV
 * head) recomputes p = exp(s - lse) tile by tile (or reads the weights the forward kept), with
 * D_i = dOut_i . out_i and dS = p (dP - D_i):
 *   dv += p^T dOut,  dq = dS k * scale,  dk += dS^T q * scale.
 * dk / dv of a KV head are summed over its query heads in ascending head order, then row order, so the
 * result does not depend on how (batch, KV head) pairs are scheduled.
 */
import type { AttentionArgs, AttentionKernelGrads, AttentionKernelResult } from '../backend';
import { type AttentionPlan, checkSaved, planAttention } from '../checks/attention';
import { allocate, type TypedArray } from '../dtype';
import { NDArray } from '../ndarray';
import { expNonPositive } from './attention-exp';
import { gemm64, WORK } from './attention-gemm';
import { applyMask, loadHeadRows, storeRows, type TileLayout, tileLayout } from './attention-scratch';

/**
 * Gradients of attentionKernel for q, k and v given dOut and the forward's out and lse. `large` runs
 * shapes whose tiles do not fit the workspace (the composed path).
 */
export function attentionBackwardKernel(
  args: AttentionArgs,
  saved: AttentionKernelResult,
  dOut: NDArray,
  large: () => AttentionKernelGrads,
): AttentionKernelGrads {
  const op = 'attentionBackward';
  const q = args.q;
  const plan = planAttention(op, args);
  checkSaved(op, plan, saved, dOut);
  const tiles = tileLayout(plan);
  if (tiles === null) return large();
  const { B, Hq, Hkv, T, S, D, Dv } = plan;
  const dq = allocate(q.dtype, B * Hq * T * D);
  const dk = allocate(q.dtype, B * Hkv * S * D);
  const dv = allocate(q.dtype, B * Hkv * S * Dv);
  for (let b = 0; b < B; b++) {
    for (let g = 0; g < Hkv; g++) backwardGroup(plan, tiles, args, saved, dOut, b, g, { dq, dk, dv });
  }
  return {
    dq: NDArray.of(dq, [B, Hq, T, D]),
    dk: NDArray.of(dk, [B, Hkv, S, D]),
    dv: NDArray.of(dv, [B, Hkv, S, Dv]),
  };
}

/** Gradients for KV head g of batch b and every query head mapped to it. */
export function backwardGroup(
  plan: AttentionPlan,
  w: TileLayout,
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
  const { out, lse, weights } = saved;
  loadHeadRows(k, b, g, 0, S, D, w.K, 1);
  loadHeadRows(v, b, g, 0, S, Dv, w.V, 1);
  WORK.fill(0, w.dK, w.dK + S * D);
  WORK.fill(0, w.dV, w.dV + S * Dv);
  for (const h of heads) {
    for (let t0 = 0; t0 < T; t0 += w.chunk) {
      const rows = Math.min(w.chunk, T - t0);
      const row0 = (b * Hq + h) * T + t0;
      loadHeadRows(q, b, h, t0, rows, D, w.Q, scale);
      loadHeadRows(dOut, b, h, t0, rows, Dv, w.dO, 1);
      loadHeadRows(out, b, h, t0, rows, Dv, w.O, 1);
      loadHeadRows(lse, b, h, t0, rows, 1, w.L, 1);
      if (weights) loadHeadRows(weights, b, h, t0, rows, S, w.P, 1);
      else recomputeP(plan, w, b, h, t0, rows);
      gemm64(w.dO, Dv, 1, w.V, 1, Dv, w.dP, S, rows, S, Dv, false); // dP: (rows, Dv) @ (Dv, S)
      gemm64(w.P, 1, S, w.dO, Dv, 1, w.dV, Dv, S, Dv, rows, true); // dv += p^T dOut: (S, rows) @ (rows, Dv)
      for (let r = 0; r < rows; r++) dsRow(w, r, S, Dv);
      gemm64(w.P, S, 1, w.K, D, 1, w.dQ, D, rows, D, S, false); // dq: (rows, S) @ (S, D)
      storeRows(w.dQ, rows * D, grads.dq, row0 * D, scale);
      gemm64(w.P, 1, S, w.Q, D, 1, w.dK, D, S, D, rows, true); // dk += dS^T q*scale: (S, rows) @ (rows, D)
    }
  }
  const kvRow = (b * Hkv + g) * S;
  storeRows(w.dK, S * D, grads.dk, kvRow * D, 1);
  storeRows(w.dV, S * Dv, grads.dv, kvRow * Dv, 1);
}

/** p = exp(s - lse) for the chunk's rows (masked scores -Infinity give 0; a fully blocked row NaN). */
function recomputeP(
  plan: AttentionPlan,
  w: TileLayout,
  b: number,
  h: number,
  t0: number,
  rows: number,
): void {
  const { S, D } = plan;
  gemm64(w.Q, D, 1, w.K, 1, D, w.P, S, rows, S, D, false); // s: (rows, D) @ (D, S)
  applyMask(plan, b, h, t0, rows, w.P);
  for (let r = 0; r < rows; r++) {
    const l = WORK[w.L + r];
    for (let j = w.P + r * S, e = j + S; j < e; j++) WORK[j] = expNonPositive(WORK[j] - l);
  }
}

/**
 * Row r of P becomes dS = p (dP - D_r), D_r = dOut_r . out_r. A row whose lse is -Infinity (fully blocked) has
 * every score masked: its dS is 0, as the masked softmax's backward gives (p there is NaN and stays in dv).
 */
function dsRow(w: TileLayout, r: number, S: number, Dv: number): void {
  const o = w.P + r * S;
  if (WORK[w.L + r] === Number.NEGATIVE_INFINITY) {
    WORK.fill(0, o, o + S);
    return;
  }
  let Di = 0;
  for (let c = 0, p = w.dO + r * Dv, x = w.O + r * Dv; c < Dv; c++) Di += WORK[p++] * WORK[x++];
  for (let j = 0, d = w.dP + r * S; j < S; j++) WORK[o + j] *= WORK[d + j] - Di;
}
