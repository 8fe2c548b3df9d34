/**
 * Workload "variants" on tfjs: the same grouped block with raw tfjs ops and tf.grads, weights copied from our
 * layer. K / V heads are repeated to the query heads through the head map by slices + concat (tfjs has no fused
 * grouped kernel; the copy equals tf.gather's, which has no WASM gradient), and the allocation comes from a
 * fresh instance of the same policy fed with key norms computed in tfjs, so the host-side work (rounding, DGQA
 * caches) is identical. PGQA draws its noise with tf.randomNormal.
 */
import {
  allocationToMap,
  type GroupedQueryAttention,
  type PolicyContext,
  WeightedGroupedQueryAttention,
} from '@gqa-lab/gqa';
import type * as tfType from '@tensorflow/tfjs-core';
import { type VariantId, type VariantShape, variantPolicy } from './variants';

type Tf = typeof tfType;
type T = tfType.Tensor;

/** Our layer's parameters as flat Float32Arrays with their shapes, in a fixed order. */
function layerParams(layer: GroupedQueryAttention): { values: Float32Array; shape: number[] }[] {
  const ps = [layer.q.weight, layer.q.bias, layer.k.weight, layer.k.bias, layer.v.weight, layer.v.bias];
  ps.push(layer.proj.weight, layer.proj.bias);
  if (layer instanceof WeightedGroupedQueryAttention) ps.push(layer.kHeadWeight, layer.vHeadWeight);
  return ps.map((p, i) => {
    if (!p) throw new Error(`variants-tf: parameter ${i} of the layer is missing (qkvBias off?)`);
    return { values: Float32Array.from(p.data.values()), shape: [...p.shape] };
  });
}

/** The forward and forward + backward steps of variant `id` on the active tfjs backend; dispose() afterwards. */
export function tfVariant(
  tf: Tf,
  id: VariantId,
  layer: GroupedQueryAttention,
  s: VariantShape,
  input: Float32Array,
): { fwd: () => void; fwdBwd: () => void; dispose: () => void } {
  const { batch: B, tokens: Tn, channels: C, heads: H } = s;
  const d = C / H;
  const G = layer.numKvHeads;
  const { policy } = variantPolicy(id, s, 4);
  policy.bind?.(H, G, 'float32');
  const x = tf.tensor3d(input, [B, Tn, C]);
  const p = layerParams(layer).map((q) => tf.tensor(q.values, q.shape));
  const linear = (x2: T, w: T, b: T) => tf.add(tf.matMul(x2, w, false, true), b); // rows x W^T + b
  const heads = (t: T, n: number) => tf.transpose(tf.reshape(t, [B, Tn, n, d]), [0, 2, 1, 3]); // (B, n, T, d)
  // WGQA: group g's weight = sum over its n heads of w[h] · W[h]; W (H·d, C) -> (G·d, C), b (H·d) -> (G·d).
  const pooled = (w: T, b: T, hw: T): [T, T] => {
    const n = H / G;
    const pw = tf.sum(tf.mul(tf.reshape(w, [G, n, d, C]), tf.reshape(hw, [G, n, 1, 1])), 1); // (G, d, C)
    const pb = tf.sum(tf.mul(tf.reshape(b, [G, n, d]), tf.reshape(hw, [G, n, 1])), 1); // (G, d)
    return [tf.reshape(pw, [G * d, C]), tf.reshape(pb, [G * d])];
  };
  // PGQA: o (B, H, T·d) -> o - (z · rowStd(o) + rowMean(o)), z (H, T·d) standard normal, rows standardised.
  const perturb = (o: T): T => {
    const rows = tf.reshape(o, [B, H, Tn * d]);
    const n = Tn * d;
    const unbiasedStd = (r: T, m: T) => tf.sqrt(tf.div(tf.sum(tf.square(tf.sub(r, m)), -1, true), n - 1));
    const mean = tf.mean(rows, -1, true); // (B, H, 1)
    const raw = tf.randomNormal([H, n]);
    const zMean = tf.mean(raw, -1, true);
    const z = tf.div(tf.sub(raw, zMean), unbiasedStd(raw, zMean)); // (H, T·d)
    const noise = tf.add(tf.mul(z, unbiasedStd(rows, mean)), mean); // (B, H, T·d)
    return tf.reshape(tf.sub(rows, noise), [B, H, Tn, d]);
  };
  // (B, G, T, d) -> (B, H, T, d) by concatenating head slices: tf.gather's gradient (UnsortedSegmentSum) has
  // no WASM kernel, slice / concat / pad do. MHA's identity map is left as it is, like workload B.
  const repeatHeads = (t: T, map: Int32Array): T =>
    map.every((g, h) => g === h) && map.length === G
      ? t
      : tf.concat(
          Array.from(map, (g) => tf.slice(t, [0, g, 0, 0], [B, 1, Tn, d])),
          1,
        );
  let step = 0;
  const block = (training: boolean, xIn: T, ...ps: T[]): T => {
    const x2 = tf.reshape(xIn, [B * Tn, C]);
    const [wk, bk] = ps.length > 8 ? pooled(ps[2], ps[3], ps[8]) : [ps[2], ps[3]];
    const [wv, bv] = ps.length > 8 ? pooled(ps[4], ps[5], ps[9]) : [ps[4], ps[5]];
    const k = linear(x2, wk, bk); // (B·T, G·d)
    const ctx: PolicyContext = {
      numHeads: H,
      numKvHeads: G,
      batch: B,
      training,
      step: training ? step++ : undefined,
      keyNorms: () => {
        const norms = tf.sqrt(tf.sum(tf.square(tf.reshape(k, [B, Tn, G, d])), [1, 3])); // (B, G)
        return Float64Array.from(norms.dataSync());
      },
    };
    const allocation = policy.allocate(ctx);
    if (!(allocation instanceof Int32Array)) throw new Error(`variants-tf: ${id} allocates per sample`);
    const map = allocationToMap(allocation, H);
    const q = heads(linear(x2, ps[0], ps[1]), H); // (B, H, T, d)
    const kr = repeatHeads(heads(k, G), map); // (B, H, T, d): K repeated per query head
    const vr = repeatHeads(heads(linear(x2, wv, bv), G), map); // (B, H, T, d)
    const att = tf.softmax(tf.mul(tf.matMul(q, kr, false, true), 1 / Math.sqrt(d))); // (B, H, T, T)
    let o = tf.matMul(att, vr); // (B, H, T, d)
    if (id === 'pgqa' && training) o = perturb(o);
    const y = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [B * Tn, C]);
    return tf.reshape(linear(y, ps[6], ps[7]), [B, Tn, C]);
  };
  const gradsOf = tf.grads((xIn: T, ...ps: T[]) => tf.sum(block(true, xIn, ...ps)));
  return {
    fwd: () => tf.tidy(() => void block(false, x, ...p).dataSync()),
    fwdBwd: () =>
      tf.tidy(() => {
        for (const g of gradsOf([x, ...p])) g.dataSync();
      }),
    dispose: () => tf.dispose([x, ...p]),
  };
}
