/**
 * scaledDotProductAttention: the public fused attention op (torch's F.scaled_dot_product_attention with
 * GQA through a head map instead of repeated K / V). One primitive, one kernel each way.
 */
import { formatShape, type NDArray } from '@gqa-lab/tensor';
import { isGradEnabled } from './grad-mode';
import { attentionP } from './primitives/attention';
import { Tensor } from './tensor';

export interface ScaledDotProductAttentionOptions {
  /**
   * Query head -> KV head (Hq entries in [0, Hkv)). Default: contiguous groups h -> floor(h / (Hq / Hkv)),
   * i.e. the identity when Hq = Hkv (MHA) and 0 everywhere when Hkv = 1 (MQA).
   */
  kvHead?: Int32Array | readonly number[];
  /** Multiplies q k^T; default D^-0.5. */
  scale?: number;
  /** Broadcasts to (B, Hq, T, S); nonzero = may attend. A fully blocked row gives NaN (as torch's softmax). */
  mask?: NDArray | Tensor | null;
}

/**
 * softmax(q k[kvHead]^T * scale, masked) v[kvHead]: q (B, Hq, T, D), k (B, Hkv, S, D), v (B, Hkv, S, Dv)
 * -> (B, Hq, T, Dv). Differentiable in q, k and v (dk / dv sum over the query heads sharing a KV head).
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  opts: ScaledDotProductAttentionOptions = {},
): Tensor {
  const shapes = `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}`;
  const fail = (why: string) => new RangeError(`scaledDotProductAttention: ${why} (${shapes})`);
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) throw fail('q, k, v must be rank 4 (B, H, T, D)');
  const [B, Hq, , D] = q.shape;
  const [Bk, Hkv, S, Dk] = k.shape;
  if (Bk !== B || Dk !== D || v.shape[0] !== B || v.shape[1] !== Hkv || v.shape[2] !== S) {
    throw fail('expected k (B, Hkv, S, D) and v (B, Hkv, S, Dv) matching q (B, Hq, T, D)');
  }
  const kvHead = opts.kvHead ? Int32Array.from(opts.kvHead) : defaultMap(Hq, Hkv, fail);
  if (kvHead.length !== Hq) throw fail(`kvHead has ${kvHead.length} entries for Hq = ${Hq} query heads`);
  kvHead.forEach((g, h) => {
    if (!(g >= 0 && g < Hkv)) throw fail(`kvHead[${h}] = ${g} is outside [0, ${Hkv})`);
  });
  const m = opts.mask instanceof Tensor ? opts.mask.data : (opts.mask ?? null);
  if (m !== null) checkMask(m, [B, Hq, q.shape[2], S], fail);
  // Keeping the weights spares the backward a product and the exps; past 2^16 per head they would cost more
  // memory than the recompute costs time (FlashAttention's trade-off), so long sequences recompute.
  const needsGrad = isGradEnabled() && (q.requiresGrad || k.requiresGrad || v.requiresGrad);
  const keepWeights = needsGrad && q.shape[2] * S <= 1 << 16;
  return attentionP([q, k, v], { kvHead, scale: opts.scale ?? D ** -0.5, mask: m, keepWeights });
}

function defaultMap(Hq: number, Hkv: number, fail: (why: string) => Error): Int32Array {
  if (Hkv === 0 || Hq % Hkv !== 0) throw fail(`Hq = ${Hq} is not a multiple of Hkv = ${Hkv}: pass kvHead`);
  const n = Hq / Hkv;
  return Int32Array.from({ length: Hq }, (_, h) => Math.floor(h / n));
}

function checkMask(m: NDArray, scores: readonly number[], fail: (why: string) => Error): void {
  const lead = scores.length - m.rank;
  const ok = lead >= 0 && m.shape.every((d, i) => d === 1 || d === scores[lead + i]);
  if (!ok) throw fail(`mask ${formatShape(m.shape)} does not broadcast to scores ${formatShape(scores)}`);
}
