/**
 * Fused scaled-dot-product attention forward on the CPU (FlashAttention's output + logsumexp; the (T, S)
 * weights only when asked to keep them). Per (batch, KV head) the head's K and V are loaded once into float64 tiles and every query
 * head mapped to it runs against them: GQA without repeating K / V.
 */
import type { AttentionArgs, AttentionKernelResult } from '../backend';
import { type AttentionPlan, planAttention } from '../checks/attention';
import { expNonPositive } from './attention-exp';
import { gemm64, WORK } from './attention-gemm';
import { type AttentionOutputs, runAttentionGroups } from './attention-outputs';
import { applyMask, loadHeadRows, storeRows, type TileLayout, tileLayout } from './attention-scratch';

/**
 * out = softmax(q k[kvHead]^T * scale, masked) v[kvHead], lse = logsumexp of each masked score row.
 * `large` runs shapes whose tiles do not fit the workspace (the composed path).
 */
export function attentionKernel(
  args: AttentionArgs,
  keepWeights: boolean,
  large: () => AttentionKernelResult,
): AttentionKernelResult {
  const q = args.q;
  const plan = planAttention('attention', args);
  const tiles = tileLayout(plan);
  if (tiles === null) return large();
  return runAttentionGroups(plan, q.dtype, keepWeights, (b, g, outputs) =>
    forwardGroup(plan, tiles, args, b, g, outputs),
  );
}

/** All query heads of KV head g in batch b. */
export function forwardGroup(
  plan: AttentionPlan,
  w: TileLayout,
  args: AttentionArgs,
  b: number,
  g: number,
  results: AttentionOutputs,
): void {
  const { q, k, v, scale } = args;
  const { Hq, T, S, D, Dv } = plan;
  const { out, lse, weights } = results;
  const heads = plan.headsOf[g];
  if (heads.length === 0 || T === 0) return;
  if (S === 0) {
    // No keys: the weights are empty, so out stays 0 (an empty matmul) and lse is log(0).
    for (const h of heads) lse.fill(Number.NEGATIVE_INFINITY, (b * Hq + h) * T, (b * Hq + h + 1) * T);
    return;
  }
  loadHeadRows(k, b, g, 0, S, D, w.K, 1);
  loadHeadRows(v, b, g, 0, S, Dv, w.V, 1);
  for (const h of heads) {
    for (let t0 = 0; t0 < T; t0 += w.chunk) {
      const rows = Math.min(w.chunk, T - t0);
      loadHeadRows(q, b, h, t0, rows, D, w.Q, scale);
      gemm64(w.Q, D, 1, w.K, 1, D, w.P, S, rows, S, D, false); // s: (rows, D) @ (D, S)
      applyMask(plan, b, h, t0, rows, w.P);
      const row0 = (b * Hq + h) * T + t0;
      for (let r = 0; r < rows; r++) lse[row0 + r] = expRow(w.P + r * S, S, w.L + r);
      if (weights)
        for (let r = 0; r < rows; r++) storeRows(w.P + r * S, S, weights, (row0 + r) * S, WORK[w.L + r]);
      gemm64(w.P, S, 1, w.V, Dv, 1, w.O, Dv, rows, Dv, S, false); // (rows, S) @ (S, Dv)
      for (let r = 0, o = row0 * Dv; r < rows; r++) {
        const f = WORK[w.L + r];
        for (let c = 0, p = w.O + r * Dv; c < Dv; c++) out[o++] = WORK[p++] * f;
      }
    }
  }
}

/**
 * WORK[at .. at + S) = exp(s - max) in place; WORK[inv] = 1 / sum; returns the row's logsumexp.
 * A fully blocked row would give NaN from (-Inf) - (-Inf); subtracting 0 gives 0 / 0 = NaN like torch, lse -Inf.
 */
function expRow(at: number, S: number, inv: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = at; j < at + S; j++) if (WORK[j] > max) max = WORK[j];
  if (max === Number.NEGATIVE_INFINITY) max = 0;
  let total = 0;
  for (let j = at; j < at + S; j++) {
    const e = expNonPositive(WORK[j] - max);
    WORK[j] = e;
    total += e;
  }
  WORK[inv] = 1 / total;
  return max + Math.log(total);
}
