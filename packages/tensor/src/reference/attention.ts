/**
 * Attention by its definition, one (batch, query head, query row) at a time:
 * s_j = q . k[kvHead[h]]_j * scale (masked: -Infinity), p = softmax(s), out = sum_j p_j v[kvHead[h]]_j.
 * The backward is the unfused ops' backward: dP_j = dOut . v_j, dS_j = p_j (dP_j - sum_i p_i dP_i)
 * (0 where masked), dq += dS_j k_j scale, dk_j += dS_j q scale, dv_j += p_j dOut; dk / dv of a KV head sum
 * over the query heads mapped to it. A fully blocked row has NaN weights: NaN out, lse -Infinity, dq 0.
 */
import type { AttentionArgs, AttentionKernelGrads, AttentionKernelResult } from '../backend';
import { type AttentionPlan, checkSaved, planAttention } from '../checks/attention';
import type { NDArray } from '../ndarray';
import { elements, store } from './loops';

/** The inputs as row-major float64 lists, the mask expanded to (B, Hq, T, S). */
function read(p: AttentionPlan, { q, k, v, mask }: AttentionArgs) {
  return {
    Q: elements(q), // (B, Hq, T, D)
    K: elements(k), // (B, Hkv, S, D)
    V: elements(v), // (B, Hkv, S, Dv)
    allowed: mask ? elements(mask.expand([p.B, p.Hq, p.T, p.S])).map((m) => m !== 0) : null,
  };
}

type Inputs = ReturnType<typeof read>;

/** Weights p (S) of query row (b, h, t), NaN when every key is masked, and their logsumexp. */
function weightsRow(
  p: AttentionPlan,
  x: Inputs,
  kvHead: Int32Array,
  scale: number,
  b: number,
  h: number,
  t: number,
) {
  const { Hq, Hkv, T, S, D } = p;
  const g = kvHead[h];
  const s: number[] = [];
  for (let j = 0; j < S; j++) {
    let dot = 0;
    for (let d = 0; d < D; d++)
      dot += x.Q[((b * Hq + h) * T + t) * D + d] * x.K[((b * Hkv + g) * S + j) * D + d];
    const open = x.allowed === null || x.allowed[((b * Hq + h) * T + t) * S + j];
    s.push(open ? dot * scale : Number.NEGATIVE_INFINITY);
  }
  const max = Math.max(...s, Number.NEGATIVE_INFINITY);
  if (max === Number.NEGATIVE_INFINITY)
    return { w: s.map(() => Number.NaN), lse: max, blocked: s.map(() => true) };
  const e = s.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, v) => a + v, 0);
  return {
    w: e.map((v) => v / sum),
    lse: max + Math.log(sum),
    blocked: s.map((v) => v === Number.NEGATIVE_INFINITY),
  };
}

export function attention(args: AttentionArgs, keepWeights: boolean): AttentionKernelResult {
  const { q, kvHead, scale } = args;
  const p = planAttention('attention', args);
  const { B, Hq, Hkv, T, S, Dv } = p;
  const x = read(p, args);
  const out: number[] = [];
  const lse: number[] = [];
  const weights: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      for (let t = 0; t < T; t++) {
        const row = weightsRow(p, x, kvHead, scale, b, h, t);
        lse.push(row.lse);
        weights.push(...row.w);
        for (let e = 0; e < Dv; e++) {
          let acc = 0;
          for (let j = 0; j < S; j++) acc += row.w[j] * x.V[((b * Hkv + kvHead[h]) * S + j) * Dv + e];
          out.push(acc);
        }
      }
    }
  }
  return {
    out: store(out, [B, Hq, T, Dv], q.dtype),
    lse: store(lse, [B, Hq, T], q.dtype),
    weights: keepWeights ? store(weights, [B, Hq, T, S], q.dtype) : null,
  };
}

/** Gradients recomputed from q, k, v (the saved out, lse and weights are only checked for their shapes). */
export function attentionBackward(
  args: AttentionArgs,
  saved: AttentionKernelResult,
  dOut: NDArray,
): AttentionKernelGrads {
  const { q, kvHead, scale } = args;
  const p = planAttention('attentionBackward', args);
  checkSaved('attentionBackward', p, saved, dOut);
  const { B, Hq, Hkv, T, S, D, Dv } = p;
  const x = read(p, args);
  const G = elements(dOut); // (B, Hq, T, Dv)
  const dq = new Array<number>(B * Hq * T * D).fill(0);
  const dk = new Array<number>(B * Hkv * S * D).fill(0);
  const dv = new Array<number>(B * Hkv * S * Dv).fill(0);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const g = kvHead[h];
      for (let t = 0; t < T; t++) {
        const { w, blocked } = weightsRow(p, x, kvHead, scale, b, h, t);
        const row = (b * Hq + h) * T + t;
        const dP = w.map((_, j) => {
          let acc = 0;
          for (let e = 0; e < Dv; e++) acc += G[row * Dv + e] * x.V[((b * Hkv + g) * S + j) * Dv + e];
          return acc;
        });
        const pdP = w.reduce((a, wj, j) => a + wj * dP[j], 0);
        for (let j = 0; j < S; j++) {
          const dS = blocked[j] ? 0 : w[j] * (dP[j] - pdP);
          const kv = (b * Hkv + g) * S + j;
          for (let d = 0; d < D; d++) {
            dq[row * D + d] += dS * x.K[kv * D + d] * scale;
            dk[kv * D + d] += dS * x.Q[row * D + d] * scale;
          }
          for (let e = 0; e < Dv; e++) dv[kv * Dv + e] += w[j] * G[row * Dv + e];
        }
      }
    }
  }
  return {
    dq: store(dq, [B, Hq, T, D], q.dtype),
    dk: store(dk, [B, Hkv, S, D], q.dtype),
    dv: store(dv, [B, Hkv, S, Dv], q.dtype),
  };
}
