/**
 * Fused attention forward on the WebAssembly tier (float32), the same per-(batch, KV head) structure as
 * cpu/attention.ts: the KV head's K^T and V are copied into the arena once, then for every query head
 * mapped to it, in chunks of query rows:
 *   s = (q * scale) K^T            gemm_f32    (rows, D) @ (D, S)
 *   mask; p = softmax(s), lse      softmax_f32 (max-subtracted, masked and pad columns -Infinity)
 *   out = p V                      gemm_f32    (rows, S) @ (S, Dv)
 * Each unit's results depend only on its inputs (sums in a fixed order), so any split over threads gives
 * the same bits.
 */
import type { AttentionArgs, AttentionKernelResult } from '../backend';
import { type AttentionPlan, planAttention } from '../checks/attention';
import { type AttentionOutputs, runAttentionGroups } from '../cpu/attention-outputs';
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

const F32 = 4;

/** attention on the wasm tier, or null for float64 (the scalar kernel runs it). */
export function attentionWasm(args: AttentionArgs, keepWeights: boolean): AttentionKernelResult | null {
  if (args.q.dtype !== 'float32') return null;
  const plan = planAttention('attention', args);
  const layout = attentionLayout(plan);
  return runAttentionGroups(plan, 'float32', keepWeights, (b, g, outputs) =>
    forwardGroupWasm(plan, layout, args, b, g, outputs),
  );
}

/** All query heads of KV head g in batch b, into the dense (B, Hq, T, Dv) out, (B, Hq, T) lse, weights. */
export function forwardGroupWasm(
  plan: AttentionPlan,
  w: AttentionLayout,
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
  const { arena, bases } = stageBatch(w, b, [q, k, v]);
  const [qAt, kAt, vAt] = bases;
  const { f32, kernels } = arena;
  const { Dp, Dvp, Sp } = w;
  headTransposedIn(k, kAt, b, g, S, D, arena, w.KT, Sp);
  headRowsIn(v, vAt, b, g, 0, S, Dv, arena, w, w.V, Dvp, 1);
  for (const h of heads) {
    for (let t0 = 0; t0 < T; t0 += w.chunk) {
      const rows = Math.min(w.chunk, T - t0);
      const row0 = (b * Hq + h) * T + t0;
      headRowsIn(q, qAt, b, h, t0, rows, D, arena, w, w.Q, Dp, scale);
      // s: (rows, D) @ K^T (D, Sp), all score panels
      kernels.gemm_f32(
        w.Q * F32,
        Dp * F32,
        F32,
        w.KT * F32,
        Sp * F32,
        GEMM_NR * F32,
        w.P * F32,
        Sp * F32,
        rows,
        Sp / GEMM_NR,
        D,
        0,
      );
      maskScores(plan, b, h, t0, rows, f32, w.P, Sp);
      kernels.softmax_f32(w.P * F32, w.P * F32, rows, S, Sp * F32, w.stats * F32);
      for (let r = 0; r < rows; r++) {
        // lse = max + log(sum); a fully blocked row (max -Infinity) had 0 subtracted: log(0) = -Infinity.
        const max = f32[w.stats + 2 * r];
        lse[row0 + r] = (max === Number.NEGATIVE_INFINITY ? 0 : max) + Math.log(f32[w.stats + 2 * r + 1]);
      }
      if (weights) tileOut(arena, w, w.P, Sp, rows, S, weights, row0 * S, 1);
      // out: p (rows, S) @ V (S, Dvp)
      kernels.gemm_f32(
        w.P * F32,
        Sp * F32,
        F32,
        w.V * F32,
        Dvp * F32,
        GEMM_NR * F32,
        w.O * F32,
        Dvp * F32,
        rows,
        Dvp / GEMM_NR,
        S,
        0,
      );
      tileOut(arena, w, w.O, Dvp, rows, Dv, out, row0 * Dv, 1);
    }
  }
}
