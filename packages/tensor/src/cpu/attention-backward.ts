/**
 * Fused attention backward on the CPU (FlashAttention-2 style): from the saved out and lse, each (batch, KV
 * head) recomputes p = exp(s - lse) tile by tile, with D_i = dOut_i . out_i and dS = p (dP - D_i):
 *   dv += p^T dOut,  dq = dS k * scale,  dk += dS^T q * scale.
 * dk / dv of a KV head are summed over its query heads in ascending head order, then row order, so the
 * result does not depend on how (batch, KV head) pairs are scheduled.
 */
import type { AttentionKernelGrads } from '../backend';
import { allocate, type TypedArray } from '../dtype';
import { NDArray } from '../ndarray';
import { gemm64 } from './attention-gemm';
import { type AttentionPlan, checkSaved, planAttention } from './attention-plan';
import { applyMask, loadRows, ROW_CHUNK, scratch, storeRows } from './attention-scratch';

/** The saved forward values and the output gradient. */
interface Saved {
  readonly out: NDArray; // (B, Hq, T, Dv)
  readonly lse: NDArray; // (B, Hq, T)
  readonly dOut: NDArray; // (B, Hq, T, Dv)
}

/** Gradients of attentionKernel for q, k and v given dOut and the forward's out and lse. */
export function attentionBackwardKernel(
  q: NDArray,
  k: NDArray,
  v: NDArray,
  out: NDArray,
  lse: NDArray,
  dOut: NDArray,
  kvHead: Int32Array,
  scale: number,
  mask: NDArray | null,
): AttentionKernelGrads {
  const op = 'attentionBackward';
  const plan = planAttention(op, q, k, v, kvHead, scale, mask);
  const { B, Hq, Hkv, T, S, D, Dv } = plan;
  checkSaved(op, plan, out, lse, dOut);
  const dq = allocate(q.dtype, B * Hq * T * D);
  const dk = allocate(q.dtype, B * Hkv * S * D);
  const dv = allocate(q.dtype, B * Hkv * S * Dv);
  const saved: Saved = { out, lse, dOut };
  for (let b = 0; b < B; b++) {
    for (let g = 0; g < Hkv; g++) backwardGroup(plan, q, k, v, saved, scale, b, g, { dq, dk, dv });
  }
  return {
    dq: NDArray.of(dq, [B, Hq, T, D]),
    dk: NDArray.of(dk, [B, Hkv, S, D]),
    dv: NDArray.of(dv, [B, Hkv, S, Dv]),
  };
}

/** Gradients for KV head g of batch b and every query head mapped to it. */
function backwardGroup(
  plan: AttentionPlan,
  q: NDArray,
  k: NDArray,
  v: NDArray,
  saved: Saved,
  scale: number,
  b: number,
  g: number,
  grads: { readonly dq: TypedArray; readonly dk: TypedArray; readonly dv: TypedArray },
): void {
  const { Hq, Hkv, T, S, D, Dv } = plan;
  const heads = plan.headsOf[g];
  if (heads.length === 0 || T === 0 || S === 0) return; // dq stays 0 when there are no keys
  const { out, lse, dOut } = saved;
  const Ks = scratch(0, S * D); // (S, D)
  const Vs = scratch(1, S * Dv); // (S, Dv)
  loadRows(k.data, k.offset + b * k.strides[0] + g * k.strides[1], k.strides[2], k.strides[3], S, D, Ks, 1);
  loadRows(v.data, v.offset + b * v.strides[0] + g * v.strides[1], v.strides[2], v.strides[3], S, Dv, Vs, 1);
  const dKs = scratch(6, S * D).fill(0, 0, S * D); // (S, D)
  const dVs = scratch(7, S * Dv).fill(0, 0, S * Dv); // (S, Dv)
  const chunk = Math.min(T, ROW_CHUNK);
  const Qs = scratch(2, chunk * D); // (rows, D), scaled
  const P = scratch(3, chunk * S); // (rows, S): scores, p, then dS
  const dOs = scratch(4, chunk * Dv); // (rows, Dv)
  const dP = scratch(8, chunk * S); // (rows, S)
  const dQs = scratch(9, chunk * D); // (rows, D)
  const Os = scratch(10, chunk * Dv); // (rows, Dv)
  const L = scratch(11, chunk); // (rows,) lse
  for (const h of heads) {
    for (let t0 = 0; t0 < T; t0 += chunk) {
      const rows = Math.min(chunk, T - t0);
      const row0 = (b * Hq + h) * T + t0;
      const at = (x: NDArray) => x.offset + b * x.strides[0] + h * x.strides[1] + t0 * x.strides[2];
      loadRows(q.data, at(q), q.strides[2], q.strides[3], rows, D, Qs, scale);
      loadRows(dOut.data, at(dOut), dOut.strides[2], dOut.strides[3], rows, Dv, dOs, 1);
      loadRows(out.data, at(out), out.strides[2], out.strides[3], rows, Dv, Os, 1);
      gemm64(Qs, 0, D, 1, Ks, 0, 1, D, P, 0, S, rows, S, D, false); // s: (rows, D) @ (D, S)
      applyMask(plan, b, h, t0, rows, P);
      gemm64(dOs, 0, Dv, 1, Vs, 0, 1, Dv, dP, 0, S, rows, S, Dv, false); // dP: (rows, Dv) @ (Dv, S)
      loadRows(lse.data, at(lse), lse.strides[2], 0, rows, 1, L, 1);
      for (let r = 0; r < rows; r++) {
        const l = L[r];
        for (let j = 0, o = r * S; j < S; j++, o++) P[o] = Math.exp(P[o] - l);
      }
      gemm64(P, 0, 1, S, dOs, 0, Dv, 1, dVs, 0, Dv, S, Dv, rows, true); // dv += p^T: (S, rows) @ (rows, Dv)
      for (let r = 0; r < rows; r++) dsRow(P, dP, Os, dOs, r, S, Dv, L[r]);
      gemm64(P, 0, S, 1, Ks, 0, D, 1, dQs, 0, D, rows, D, S, false); // dq: (rows, S) @ (S, D)
      storeRows(dQs, rows, D, grads.dq, row0 * D, scale);
      gemm64(P, 0, 1, S, Qs, 0, D, 1, dKs, 0, D, S, D, rows, true); // dk += dS^T q*scale: (S, rows) @ (rows, D)
    }
  }
  const kvRow = (b * Hkv + g) * S;
  storeRows(dKs, S, D, grads.dk, kvRow * D, 1);
  storeRows(dVs, S, Dv, grads.dv, kvRow * Dv, 1);
}

/**
 * P row r becomes dS = p (dP - D_r), D_r = dOut_r . out_r. A row whose lse is -Infinity (fully blocked) has
 * every score masked: its dS is 0, as the masked softmax's backward gives (p there is NaN and stays in dv).
 */
function dsRow(
  P: Float64Array,
  dP: Float64Array,
  Os: Float64Array,
  dOs: Float64Array,
  r: number,
  S: number,
  Dv: number,
  lse: number,
): void {
  const o = r * S;
  if (lse === Number.NEGATIVE_INFINITY) {
    P.fill(0, o, o + S);
    return;
  }
  let Di = 0;
  for (let c = 0, p = r * Dv; c < Dv; c++, p++) Di += dOs[p] * Os[p];
  for (let j = 0; j < S; j++) P[o + j] *= dP[o + j] - Di;
}
