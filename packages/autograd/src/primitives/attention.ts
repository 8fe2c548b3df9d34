/**
 * Fused scaled-dot-product attention as one primitive: the forward saves the per-row logsumexp (and the
 * (T, S) weights when attrs.keepWeights and the backend keeps them), the backward is one fused kernel. When the backward itself is
 * recorded (higher-order gradients) it is written with primitives instead, so it can be differentiated again.
 */
import { getBackend, NDArray } from '@gqa-lab/tensor';
import type { GradOps } from '../grad-ops';
import { definePrimitive } from '../primitive';
import { Tensor } from '../tensor';
import { softmaxBackwardP } from './softmax';

export interface AttentionAttrs {
  /** Query head -> KV head, Int32Array(Hq). */
  readonly kvHead: Int32Array;
  readonly scale: number;
  /** Broadcasts to (B, Hq, T, S); nonzero = may attend. */
  readonly mask: NDArray | null;
  /** Ask the backend to keep the (B, Hq, T, S) weights for the backward (skips recomputing them). */
  readonly keepWeights: boolean;
}

/** inputs: [q (B, Hq, T, D), k (B, Hkv, S, D), v (B, Hkv, S, Dv)] -> (B, Hq, T, Dv). */
export const attentionP = definePrimitive<AttentionAttrs>({
  name: 'scaledDotProductAttention',
  forward: ([q, k, v], { kvHead, scale, mask, keepWeights }, backend) => {
    const { out, lse, weights } = backend.attention({ q, k, v, kvHead, scale, mask }, keepWeights);
    return { output: out, saved: weights ? [lse, weights] : [lse] };
  },
  backward: (g, { inputs: [q, k, v], output, saved: [lse, weights], attrs, createGraph, op }) => {
    if (createGraph) return composedBackward(op, g, q, k, v, attrs);
    const { kvHead, scale, mask } = attrs;
    const args = { q: q.data, k: k.data, v: v.data, kvHead, scale, mask };
    const r = getBackend().attentionBackward(
      args,
      { out: output.data, lse, weights: weights ?? null },
      g.data,
    );
    return [new Tensor(r.dq, false), new Tensor(r.dk, false), new Tensor(r.dv, false)];
  },
});

/**
 * The same gradients from primitives: p recomputed by softmax, dS = p (dP - sum(p dP)), masked dS = 0.
 * Contiguous equal groups (MHA / GQA / MQA) fold each group's query heads into the row axis, so K / V are
 * never repeated and the products sum dk / dv over the group; other maps gather K / V per query head.
 */
function composedBackward(
  op: GradOps,
  g: Tensor,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  attrs: AttentionAttrs,
): Tensor[] {
  const { kvHead, scale, mask } = attrs;
  const [B, Hq, T] = q.shape;
  const Hkv = k.shape[1];
  const n = Hq / Hkv;
  const grouped = Number.isInteger(n) && kvHead.every((kv, h) => kv === Math.floor(h / n));
  const index = Array.from(kvHead);
  const kk = grouped ? k : op.indexSelect(k, 1, index); // (B, G, S, D)
  const vv = grouped ? v : op.indexSelect(v, 1, index); // (B, G, S, Dv)
  const G = kk.shape[1];
  const fold = (x: Tensor) => op.reshape(x, [B, G, (Hq / G) * T, x.shape[3]]); // (B, G, n·T, ·)
  const unfold = (x: Tensor) => op.reshape(x, [B, Hq, T, x.shape[3]]); // (B, Hq, T, ·)
  const perKv = (x: Tensor, shape: readonly number[]) => (grouped ? x : op.indexAdd(shape, 1, index, x));
  const qf = fold(q);
  const gf = fold(g);
  let s = unfold(op.mul(op.matmul(qf, op.transpose(kk, -1, -2)), scale)); // (B, Hq, T, S)
  const blocked = mask === null ? null : blockedOf(mask);
  if (blocked) s = op.maskedFill(s, blocked, Number.NEGATIVE_INFINITY);
  const p = op.softmax(s, -1); // (B, Hq, T, S)
  const dP = unfold(op.matmul(gf, op.transpose(vv, -1, -2))); // (B, Hq, T, S)
  let dS = softmaxBackwardP([p, dP], { axis: 3 }); // p (dP - sum(p dP)), differentiable again
  if (blocked) dS = op.maskedFill(dS, blocked, 0);
  const dSf = fold(dS); // (B, G, n·T, S)
  const dq = unfold(op.mul(op.matmul(dSf, kk), scale));
  const dk = perKv(op.mul(op.matmul(op.transpose(dSf, -1, -2), qf), scale), k.shape);
  const dv = perKv(op.matmul(op.transpose(fold(p), -1, -2), gf), v.shape);
  return [dq, dk, dv];
}

/** 1 where the mask blocks (is 0), else 0; the mask's shape (broadcast by maskedFill). */
function blockedOf(mask: NDArray): NDArray {
  return NDArray.of(
    Float32Array.from(mask.values(), (m) => (m === 0 ? 1 : 0)),
    mask.shape,
  );
}
