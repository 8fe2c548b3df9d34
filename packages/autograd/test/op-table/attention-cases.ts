/**
 * Op-table rows for the fused scaledDotProductAttention: forward against the float64 reference (GQA maps,
 * masks), gradients by central differences, and the recorded (createGraph) backward, whose gradcheck checks
 * second derivatives. The mask and head map come from the drawn integers, so gradcheck never perturbs them.
 */
import { elements, NDArray, referenceBackend } from '@gqa-lab/tensor';
import fc from 'fast-check';
import * as T from '../../src/index';
import { arr } from './inputs';
import type { Draw, OpCase } from './types';

/** ints = [withMask, kvHead (Hq entries), mask bits (T x S)]; arrays = [q, k, v, w]. */
const attentionDraw: fc.Arbitrary<Draw> = fc
  .record({
    B: fc.integer({ min: 1, max: 2 }),
    Hq: fc.integer({ min: 1, max: 3 }),
    Hkv: fc.integer({ min: 1, max: 2 }),
    T: fc.integer({ min: 1, max: 3 }),
    S: fc.integer({ min: 1, max: 3 }),
    D: fc.integer({ min: 1, max: 3 }),
    Dv: fc.integer({ min: 1, max: 2 }),
  })
  .chain(({ B, Hq, Hkv, T: Tq, S, D, Dv }) =>
    fc.record({
      arrays: fc.tuple(arr([B, Hq, Tq, D]), arr([B, Hkv, S, D]), arr([B, Hkv, S, Dv]), arr([B, Hq, Tq, Dv])),
      ints: fc
        .tuple(
          fc.nat(1),
          fc.array(fc.integer({ min: 0, max: Hkv - 1 }), { minLength: Hq, maxLength: Hq }),
          fc.array(fc.nat(1), { minLength: Tq * S, maxLength: Tq * S }),
        )
        .map(([m, map, bits]) => [m, ...map, ...bits]),
    }),
  );

/** The drawn head map and (T, S) mask; row t always may attend to key t % S, so no row is fully blocked. */
function attrsOf(d: Draw, q: NDArray, k: NDArray) {
  const [, Hq, Tq] = q.shape;
  const S = k.shape[2];
  const kvHead = Int32Array.from(d.ints.slice(1, 1 + Hq));
  if (d.ints[0] === 0) return { kvHead, mask: null };
  const bits = d.ints.slice(1 + Hq).map((b, i) => (i % S === Math.floor(i / S) % S ? 1 : b));
  return { kvHead, mask: NDArray.of(Int32Array.from(bits), [Tq, S]) };
}

const SCALE = 0.7;

export const ATTENTION_CASES: OpCase[] = [
  {
    name: 'scaledDotProductAttention',
    inputs: attentionDraw,
    run: (d, q, k, v) =>
      T.scaledDotProductAttention(q, k, v, { ...attrsOf(d, q.data, k.data), scale: SCALE }),
    reference: (d, q, k, v) => {
      const { kvHead, mask } = attrsOf(d, q, k);
      const { out } = referenceBackend.attention({ q, k, v, kvHead, scale: SCALE, mask }, false);
      return { shape: [...out.shape], values: elements(out) };
    },
    errors: [
      {
        call: () =>
          T.scaledDotProductAttention(T.zeros([1, 2, 3, 4]), T.zeros([1, 1, 5, 3]), T.zeros([1, 1, 5, 2])),
        message:
          /^scaledDotProductAttention: expected k \(B, Hkv, S, D\) and v \(B, Hkv, S, Dv\) matching q \(B, Hq, T, D\) \(q \[1, 2, 3, 4\], k \[1, 1, 5, 3\], v \[1, 1, 5, 2\]\)$/,
      },
      {
        call: () =>
          T.scaledDotProductAttention(T.zeros([1, 3, 2, 4]), T.zeros([1, 2, 5, 4]), T.zeros([1, 2, 5, 4])),
        message:
          /^scaledDotProductAttention: Hq = 3 is not a multiple of Hkv = 2: pass kvHead \(q \[1, 3, 2, 4\]/,
      },
      {
        call: () =>
          T.scaledDotProductAttention(T.zeros([1, 2, 2, 4]), T.zeros([1, 2, 5, 4]), T.zeros([1, 2, 5, 4]), {
            kvHead: [0, 2],
          }),
        message: /^scaledDotProductAttention: kvHead\[1\] = 2 is outside \[0, 2\)/,
      },
      {
        call: () =>
          T.scaledDotProductAttention(T.zeros([1, 2, 2, 4]), T.zeros([1, 2, 5, 4]), T.zeros([1, 2, 5, 4]), {
            mask: T.zeros([3, 5]).data,
          }),
        message: /^scaledDotProductAttention: mask \[3, 5\] does not broadcast to scores \[1, 2, 2, 5\]/,
      },
    ],
  },
  {
    // dq of sum(attention(q, k, v) * w), recorded: forward checks the composed backward, gradcheck its derivative.
    name: "scaledDotProductAttention' (dq) via grad",
    inputs: attentionDraw,
    run: (d, q, k, v, w) =>
      T.withGradMode(true, () => {
        const leaf = q.requiresGrad ? q : new T.Tensor(q.data, true);
        const out = T.scaledDotProductAttention(leaf, k, v, { ...attrsOf(d, q.data, k.data), scale: SCALE });
        return T.grad(T.sum(T.mul(out, w)), [leaf], { createGraph: true })[0];
      }),
    reference: (d, q, k, v, w) => {
      const { kvHead, mask } = attrsOf(d, q, k);
      const args = { q, k, v, kvHead, scale: SCALE, mask };
      const { dq } = referenceBackend.attentionBackward(args, referenceBackend.attention(args, false), w);
      return { shape: [...dq.shape], values: elements(dq) };
    },
  },
];
