/**
 * Float64 reference for the fused attention kernels: the textbook definition (scores, masked softmax,
 * weights times values) and its backward written as the unfused ops' backward (softmax backward, then the
 * masked positions' gradient set to 0, as masked fill's backward does). Reads inputs element by element.
 */
import type { NDArray } from '../src/index';

export interface AttentionCase {
  readonly q: NDArray; // (B, Hq, T, D)
  readonly k: NDArray; // (B, Hkv, S, D)
  readonly v: NDArray; // (B, Hkv, S, Dv)
  readonly kvHead: Int32Array;
  readonly scale: number;
  readonly mask: NDArray | null; // broadcasts to (B, Hq, T, S)
}

/** mask value at (b, h, t, s) through broadcasting (rank <= 4, size-1 dims repeat); true = may attend. */
function allowed(mask: NDArray | null, idx: readonly number[]): boolean {
  if (mask === null) return true;
  const lead = 4 - mask.rank;
  const at = mask.shape.map((d, i) => (d === 1 ? 0 : idx[lead + i]));
  return mask.get(...at) !== 0;
}

/** Row (b, h, t): the weights p (NaN for a fully blocked row), masked flags and the logsumexp. */
function weightsRow(c: AttentionCase, b: number, h: number, t: number) {
  const [, , , D] = c.q.shape;
  const S = c.k.shape[2];
  const g = c.kvHead[h];
  const s: number[] = [];
  const blocked: boolean[] = [];
  for (let j = 0; j < S; j++) {
    let dot = 0;
    for (let d = 0; d < D; d++) dot += c.q.get(b, h, t, d) * c.k.get(b, g, j, d);
    blocked.push(!allowed(c.mask, [b, h, t, j]));
    s.push(blocked[j] ? Number.NEGATIVE_INFINITY : dot * c.scale);
  }
  const max = Math.max(...s);
  if (max === Number.NEGATIVE_INFINITY) {
    return { p: s.map(() => Number.NaN), blocked, lse: Number.NEGATIVE_INFINITY };
  }
  const e = s.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, x) => a + x, 0);
  return { p: e.map((x) => x / sum), blocked, lse: max + Math.log(sum) };
}

/** The softmax weights (B, Hq, T, S), row-major (NaN rows where fully blocked). */
export function refWeights(c: AttentionCase): number[] {
  const [B, Hq, T] = c.q.shape;
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let h = 0; h < Hq; h++) for (let t = 0; t < T; t++) out.push(...weightsRow(c, b, h, t).p);
  return out;
}

/** out (B, Hq, T, Dv) and lse (B, Hq, T), row-major. */
export function refAttention(c: AttentionCase): { out: number[]; lse: number[] } {
  const [B, Hq, T] = c.q.shape;
  const [, , S, Dv] = c.v.shape;
  const out: number[] = [];
  const lse: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      for (let t = 0; t < T; t++) {
        const row = weightsRow(c, b, h, t);
        lse.push(S === 0 ? Number.NEGATIVE_INFINITY : row.lse);
        for (let e = 0; e < Dv; e++) {
          let acc = 0;
          for (let j = 0; j < S; j++) acc += row.p[j] * c.v.get(b, c.kvHead[h], j, e);
          out.push(acc);
        }
      }
    }
  }
  return { out, lse };
}

/** dq (B, Hq, T, D), dk (B, Hkv, S, D), dv (B, Hkv, S, Dv) for the output gradient dOut, row-major. */
export function refAttentionBackward(c: AttentionCase, dOut: NDArray) {
  const [B, Hq, T, D] = c.q.shape;
  const [, Hkv, S, Dv] = c.v.shape;
  const dq = new Array<number>(B * Hq * T * D).fill(0);
  const dk = new Array<number>(B * Hkv * S * D).fill(0);
  const dv = new Array<number>(B * Hkv * S * Dv).fill(0);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const g = c.kvHead[h];
      for (let t = 0; t < T; t++) {
        const { p, blocked } = weightsRow(c, b, h, t);
        const dp = p.map((_, j) => {
          let acc = 0;
          for (let e = 0; e < Dv; e++) acc += dOut.get(b, h, t, e) * c.v.get(b, g, j, e);
          return acc;
        });
        const pdp = p.reduce((a, pj, j) => a + pj * dp[j], 0);
        for (let j = 0; j < S; j++) {
          const ds = blocked[j] ? 0 : p[j] * (dp[j] - pdp);
          const kv = ((b * Hkv + g) * S + j) * D;
          for (let d = 0; d < D; d++) {
            dq[((b * Hq + h) * T + t) * D + d] += ds * c.k.get(b, g, j, d) * c.scale;
            dk[kv + d] += ds * c.q.get(b, h, t, d) * c.scale;
          }
          for (let e = 0; e < Dv; e++) dv[((b * Hkv + g) * S + j) * Dv + e] += p[j] * dOut.get(b, h, t, e);
        }
      }
    }
  }
  return { dq, dk, dv };
}
