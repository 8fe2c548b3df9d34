/**
 * Fused scaled-dot-product attention as one primitive: the forward saves only the per-row logsumexp (no
 * (T, S) weights), the backward is one fused kernel (FlashAttention-2 style). When the backward itself is
 * recorded (higher-order gradients) it is written with primitives instead, so it can be differentiated again.
 */
import { getBackend, NDArray } from '@gqa-lab/tensor';
import * as op from '../ops';
import { definePrimitive } from '../primitive';
import { Tensor } from '../tensor';

export interface AttentionAttrs {
  /** Query head -> KV head, Int32Array(Hq). */
  readonly kvHead: Int32Array;
  readonly scale: number;
  /** Broadcasts to (B, Hq, T, S); nonzero = may attend. */
  readonly mask: NDArray | null;
}

/** inputs: [q (B, Hq, T, D), k (B, Hkv, S, D), v (B, Hkv, S, Dv)] -> (B, Hq, T, Dv). */
export const attentionP = definePrimitive<AttentionAttrs>({
  name: 'scaledDotProductAttention',
  forward: ([q, k, v], { kvHead, scale, mask }, backend) => {
    const { out, lse } = backend.attention(q, k, v, kvHead, scale, mask);
    return { output: out, saved: [lse] };
  },
  backward: (g, { inputs: [q, k, v], output, saved: [lse], attrs, createGraph }) => {
    if (createGraph) return composedBackward(g, q, k, v, attrs);
    const { kvHead, scale, mask } = attrs;
    const r = getBackend().attentionBackward(
      q.data,
      k.data,
      v.data,
      output.data,
      lse,
      g.data,
      kvHead,
      scale,
      mask,
    );
    return [new Tensor(r.dq, false), new Tensor(r.dk, false), new Tensor(r.dv, false)];
  },
});

/** The same gradients from primitives: p recomputed by softmax, dS = p (dP - sum(p dP)), masked dS = 0. */
function composedBackward(g: Tensor, q: Tensor, k: Tensor, v: Tensor, attrs: AttentionAttrs): Tensor[] {
  const { kvHead, scale, mask } = attrs;
  const index = Array.from(kvHead);
  const kg = op.indexSelect(k, 1, index); // (B, Hq, S, D)
  const vg = op.indexSelect(v, 1, index); // (B, Hq, S, Dv)
  let s = op.mul(op.matmul(q, op.transpose(kg, -1, -2)), scale); // (B, Hq, T, S)
  const blocked = mask === null ? null : blockedOf(mask);
  if (blocked) s = op.maskedFill(s, blocked, Number.NEGATIVE_INFINITY);
  const p = op.softmax(s, -1); // (B, Hq, T, S)
  const dP = op.matmul(g, op.transpose(vg, -1, -2)); // (B, Hq, T, S)
  let dS = op.mul(p, op.sub(dP, op.sum(op.mul(p, dP), -1, true)));
  if (blocked) dS = op.maskedFill(dS, blocked, 0);
  const dq = op.mul(op.matmul(dS, kg), scale);
  const dk = op.indexAdd(k.shape, 1, index, op.mul(op.matmul(op.transpose(dS, -1, -2), q), scale));
  const dv = op.indexAdd(v.shape, 1, index, op.matmul(op.transpose(p, -1, -2), g));
  return [dq, dk, dv];
}

/** 1 where the mask blocks (is 0), else 0; the mask's shape (broadcast by maskedFill). */
function blockedOf(mask: NDArray): NDArray {
  return NDArray.of(
    Float32Array.from(mask.values(), (m) => (m === 0 ? 1 : 0)),
    mask.shape,
  );
}
