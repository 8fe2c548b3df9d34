/**
 * Fused scaled-dot-product attention forward on the CPU (FlashAttention's output + logsumexp, no (T, S)
 * weights kept). Per (batch, KV head) the head's K and V are loaded once into float64 tiles and every query
 * head mapped to it runs against them: GQA without repeating K / V.
 */
import type { AttentionKernelResult } from '../backend';
import { allocate, type TypedArray } from '../dtype';
import { NDArray } from '../ndarray';
import { gemm64 } from './attention-gemm';
import { type AttentionPlan, planAttention } from './attention-plan';
import { applyMask, loadRows, ROW_CHUNK, scratch } from './attention-scratch';

/** out = softmax(q k[kvHead]^T * scale, masked) v[kvHead], lse = logsumexp of each masked score row. */
export function attentionKernel(
  q: NDArray,
  k: NDArray,
  v: NDArray,
  kvHead: Int32Array,
  scale: number,
  mask: NDArray | null,
): AttentionKernelResult {
  const plan = planAttention('attention', q, k, v, kvHead, scale, mask);
  const { B, Hq, Hkv, T, Dv } = plan;
  const out = allocate(q.dtype, B * Hq * T * Dv);
  const lse = allocate(q.dtype, B * Hq * T);
  for (let b = 0; b < B; b++) {
    for (let g = 0; g < Hkv; g++) forwardGroup(plan, q, k, v, scale, b, g, out, lse);
  }
  return { out: NDArray.of(out, [B, Hq, T, Dv]), lse: NDArray.of(lse, [B, Hq, T]) };
}

/** All query heads of KV head g in batch b. */
function forwardGroup(
  plan: AttentionPlan,
  q: NDArray,
  k: NDArray,
  v: NDArray,
  scale: number,
  b: number,
  g: number,
  out: TypedArray,
  lse: TypedArray,
): void {
  const { Hq, T, S, D, Dv } = plan;
  const heads = plan.headsOf[g];
  if (heads.length === 0 || T === 0) return;
  if (S === 0) {
    // No keys: the weights are empty, so out stays 0 (an empty matmul) and lse is log(0).
    for (const h of heads) lse.fill(Number.NEGATIVE_INFINITY, (b * Hq + h) * T, (b * Hq + h + 1) * T);
    return;
  }
  const Ks = scratch(0, S * D); // (S, D)
  const Vs = scratch(1, S * Dv); // (S, Dv)
  loadRows(k.data, k.offset + b * k.strides[0] + g * k.strides[1], k.strides[2], k.strides[3], S, D, Ks, 1);
  loadRows(v.data, v.offset + b * v.strides[0] + g * v.strides[1], v.strides[2], v.strides[3], S, Dv, Vs, 1);
  const chunk = Math.min(T, ROW_CHUNK);
  const Qs = scratch(2, chunk * D); // (rows, D), scaled
  const P = scratch(3, chunk * S); // (rows, S): scores, then exp(s - max)
  const Os = scratch(4, chunk * Dv); // (rows, Dv)
  const inv = scratch(5, chunk); // 1 / row sum
  for (const h of heads) {
    for (let t0 = 0; t0 < T; t0 += chunk) {
      const rows = Math.min(chunk, T - t0);
      const qBase = q.offset + b * q.strides[0] + h * q.strides[1] + t0 * q.strides[2];
      loadRows(q.data, qBase, q.strides[2], q.strides[3], rows, D, Qs, scale);
      gemm64(Qs, 0, D, 1, Ks, 0, 1, D, P, 0, S, rows, S, D, false); // (rows, D) @ (D, S)
      applyMask(plan, b, h, t0, rows, P);
      const row0 = (b * Hq + h) * T + t0;
      for (let r = 0; r < rows; r++) {
        const sum = expRow(P, r * S, S);
        inv[r] = 1 / sum.total;
        lse[row0 + r] = sum.max + Math.log(sum.total);
      }
      gemm64(P, 0, S, 1, Vs, 0, Dv, 1, Os, 0, Dv, rows, Dv, S, false); // (rows, S) @ (S, Dv)
      for (let r = 0, o = row0 * Dv; r < rows; r++) {
        const f = inv[r];
        for (let c = 0; c < Dv; c++) out[o++] = Os[r * Dv + c] * f;
      }
    }
  }
}

const rowSum = { max: 0, total: 0 };

/** P[o .. o + S) = exp(P - max) in place; returns the max and the sum (one reused object, no allocation). */
function expRow(P: Float64Array, o: number, S: number): { max: number; total: number } {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < S; j++) if (P[o + j] > max) max = P[o + j];
  // A fully blocked row would give NaN from (-Inf) - (-Inf); subtracting 0 gives 0 / 0 = NaN like torch, lse -Inf.
  if (max === Number.NEGATIVE_INFINITY) max = 0;
  let total = 0;
  for (let j = 0; j < S; j++) {
    const e = Math.exp(P[o + j] - max);
    P[o + j] = e;
    total += e;
  }
  rowSum.max = max;
  rowSum.total = total;
  return rowSum;
}
