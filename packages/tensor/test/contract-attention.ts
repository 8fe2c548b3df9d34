/**
 * Backend contract, part 5: fused attention forward and backward against the float64 reference, over
 * shapes with size-1 (and empty T / S) dims, every input layout, arbitrary (non-uniform) GQA maps, and
 * masks of any broadcast shape, dtype and layout, fully blocked rows included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LAYOUTS, layoutArray } from '../../../testing/arrays';
import { type Backend, type DType, fromArray, NDArray } from '../src/index';
import { expectLike, f64, oracle, RUNS } from './contract-helpers';

interface Dims {
  B: number;
  Hq: number;
  Hkv: number;
  T: number;
  S: number;
  D: number;
  Dv: number;
}

const dimsArb: fc.Arbitrary<Dims> = fc.record({
  B: fc.integer({ min: 1, max: 2 }),
  Hq: fc.integer({ min: 1, max: 4 }),
  Hkv: fc.integer({ min: 1, max: 3 }),
  T: fc.integer({ min: 0, max: 5 }),
  S: fc.integer({ min: 0, max: 5 }),
  D: fc.integer({ min: 1, max: 4 }),
  Dv: fc.integer({ min: 1, max: 4 }),
});

/** Any map of Hq query heads onto Hkv KV heads (unequal groups, unused KV heads), or the contiguous GQA map. */
function kvHeadArb({ Hq, Hkv }: Dims): fc.Arbitrary<Int32Array> {
  const free = fc
    .array(fc.integer({ min: 0, max: Hkv - 1 }), { minLength: Hq, maxLength: Hq })
    .map((m) => Int32Array.from(m));
  const grouped = Int32Array.from({ length: Hq }, (_, h) => Math.floor((h * Hkv) / Hq));
  return fc.oneof(free, fc.constant(grouped));
}

/** A mask broadcasting to (B, Hq, T, S): each dim full or 1, leading 1-dims sometimes dropped, 0 = blocked. */
function maskArb({ B, Hq, T, S }: Dims): fc.Arbitrary<NDArray> {
  const full = [B, Hq, T, S];
  return fc
    .record({
      keep: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()),
      drop: fc.integer({ min: 0, max: 2 }),
      values: fc.array(fc.constantFrom(0, 1, 1, 2.5), { minLength: 1, maxLength: 30 }),
      dtype: fc.constantFrom<DType>('float32', 'int32'),
      layout: fc.constantFrom(...LAYOUTS),
      k: fc.nat(3),
    })
    .map(({ keep, drop, values, dtype, layout, k }) => {
      let shape = full.map((d, i) => (keep[i] ? d : 1));
      while (drop > 0 && shape.length > 1 && shape[0] === 1) {
        shape = shape.slice(1);
        drop--;
      }
      const vals = dtype === 'int32' ? values.map(Math.floor) : values;
      return layoutArray(vals, shape, layout, dtype, k);
    });
}

/**
 * An input of `shape` in a random layout with values spread over [-range, range] in steps of 1/8 (exact in
 * float32). Unbiased: fast-check's default doubles start near 0, where a missing scale factor goes unseen.
 */
function valuesOf(shape: readonly number[], range = 4): fc.Arbitrary<NDArray> {
  const step = fc.noBias(fc.integer({ min: -8 * range, max: 8 * range })).map((i) => i / 8);
  return fc
    .tuple(fc.array(step, { minLength: 5, maxLength: 40 }), fc.constantFrom(...LAYOUTS), fc.nat(3))
    .map(([values, layout, k]) => layoutArray(values, shape, layout, 'float32', k));
}

const caseArb = dimsArb.chain((dims) => {
  const { B, Hq, Hkv, T, S, D, Dv } = dims;
  return fc.record({
    dims: fc.constant(dims),
    q: valuesOf([B, Hq, T, D], 2),
    k: valuesOf([B, Hkv, S, D], 2),
    v: valuesOf([B, Hkv, S, Dv]),
    dOut: valuesOf([B, Hq, T, Dv]),
    kvHead: kvHeadArb(dims),
    scale: fc.oneof(fc.constant(D ** -0.5), fc.double({ min: 0.05, max: 1.5, noNaN: true })),
    mask: fc.option(maskArb(dims), { nil: null }),
    keep: fc.boolean(),
  });
});

export function describeAttention(be: Backend): void {
  describe('attention / attentionBackward', () => {
    it('attention matches the float64 reference (layouts, GQA maps, broadcast masks, blocked rows)', () => {
      fc.assert(
        fc.property(caseArb, ({ q, k, v, kvHead, scale, mask, keep }) => {
          const want = oracle.attention({ q: f64(q), k: f64(k), v: f64(v), kvHead, scale, mask }, true);
          const got = be.attention({ q, k, v, kvHead, scale, mask }, keep);
          expectLike(got.out, want.out, 1e-4, 1e-4);
          expectLike(got.lse, want.lse, 1e-5, 1e-4);
          // A backend may decline to keep the weights (null); kept ones must be right, and none unasked.
          if (!keep) expect(got.weights).toBeNull();
          else if (got.weights && want.weights) expectLike(got.weights, want.weights, 1e-5, 1e-6);
        }),
        RUNS,
      );
    });
    it('attentionBackward matches the reference gradients; dk / dv sum over the query heads of a KV head', () => {
      fc.assert(
        fc.property(caseArb, ({ q, k, v, dOut, kvHead, scale, mask, keep }) => {
          const [q64, k64, v64, g64] = [q, k, v, dOut].map(f64);
          const args64 = { q: q64, k: k64, v: v64, kvHead, scale, mask };
          const fwd = oracle.attention(args64, false);
          const want = oracle.attentionBackward(args64, fwd, g64);
          const args = { q, k, v, kvHead, scale, mask };
          const saved = be.attention(args, keep);
          const { out, lse } = saved;
          const got = be.attentionBackward(args, saved, dOut);
          // Read the saved values too (a GPU backend keeps unread results on the device).
          expectLike(out, fwd.out, 1e-4, 1e-4);
          expectLike(lse, fwd.lse, 1e-5, 1e-4);
          expectLike(got.dq, want.dq, 1e-3, 1e-3);
          expectLike(got.dk, want.dk, 1e-3, 1e-3);
          expectLike(got.dv, want.dv, 1e-3, 1e-3);
        }),
        RUNS,
      );
    });
    it('float64 inputs give float64 results to 1e-9', () => {
      fc.assert(
        fc.property(caseArb, ({ q, k, v, dOut, kvHead, scale, mask, keep }) => {
          const [q64, k64, v64, g64] = [q, k, v, dOut].map(f64);
          const args64 = { q: q64, k: k64, v: v64, kvHead, scale, mask };
          const fwd = be.attention(args64, keep);
          expect(fwd.out.dtype).toBe('float64');
          const ref = oracle.attention(args64, false);
          expectLike(fwd.out, ref.out, 1e-9, 1e-9);
          const want = oracle.attentionBackward(args64, ref, g64);
          const got = be.attentionBackward(args64, fwd, g64);
          expectLike(got.dq, want.dq, 1e-9, 1e-9);
          expectLike(got.dk, want.dk, 1e-9, 1e-9);
          expectLike(got.dv, want.dv, 1e-9, 1e-9);
        }),
        RUNS,
      );
    });
    it('a fully blocked row gives NaN out, lse -Infinity, dq 0 and NaN in dv of its KV head', () => {
      const q = fromArray([
        [
          [
            [1, 0],
            [0, 1],
          ],
        ],
      ]); // (1, 1, 2, 2)
      const k = fromArray([
        [
          [
            [1, 1],
            [2, 0],
          ],
        ],
      ]); // (1, 1, 2, 2)
      const v = fromArray([[[[1], [3]]]]); // (1, 1, 2, 1)
      const mask = fromArray(
        [
          [1, 1],
          [0, 0],
        ],
        undefined,
        'int32',
      ); // row 1 blocked
      const map = Int32Array.of(0);
      const args = { q, k, v, kvHead: map, scale: 1, mask };
      const saved = be.attention(args, false);
      const { out, lse } = saved;
      expect(Number.isNaN(out.get(0, 0, 1, 0))).toBe(true);
      expect(lse.get(0, 0, 1)).toBe(Number.NEGATIVE_INFINITY);
      expect(Number.isFinite(out.get(0, 0, 0, 0))).toBe(true);
      const g = be.attentionBackward(args, saved, fromArray([[[[1], [1]]]]));
      // Row 0: s = [1, 2], dP = [1, 3], so dS = [-2 p0 p1, 2 p0 p1] and dq = dS k = 2 p0 p1 [1, -1].
      const a = (2 * Math.E) / (1 + Math.E) ** 2;
      expect(g.dq.toArray()).toEqual([
        [
          [
            [expect.closeTo(a, 5), expect.closeTo(-a, 5)],
            [0, 0],
          ],
        ],
      ]);
      expect(g.dv.values().every(Number.isNaN)).toBe(true);
    });
    it('rejects bad shapes, maps and masks naming the op and the shapes', () => {
      const q = NDArray.empty([1, 2, 3, 4]);
      const k = NDArray.empty([1, 1, 5, 4]);
      const v = NDArray.empty([1, 1, 5, 2]);
      const map = Int32Array.of(0, 0);
      const args = { q, k, v, kvHead: map, scale: 1, mask: null };
      expect(() => be.attention({ ...args, k: NDArray.empty([1, 1, 5, 3]) }, false)).toThrow(
        'attention: expected q (B, Hq, T, D), k (B, Hkv, S, D), v (B, Hkv, S, Dv); got q [1, 2, 3, 4], k [1, 1, 5, 3], v [1, 1, 5, 2]',
      );
      expect(() => be.attention({ ...args, kvHead: Int32Array.of(0, 1) }, false)).toThrow(
        'attention: kvHead[1] = 1 is outside [0, 1)',
      );
      expect(() => be.attention({ ...args, kvHead: Int32Array.of(0) }, false)).toThrow(
        'attention: kvHead has 1 entries for Hq = 2 query heads',
      );
      expect(() => be.attention({ ...args, mask: NDArray.empty([3, 4]) }, false)).toThrow(
        'attention: mask [3, 4] does not broadcast to scores [1, 2, 3, 5]',
      );
      const [out, lse] = [NDArray.empty([1, 2, 3, 2]), NDArray.empty([1, 2, 3])];
      expect(() =>
        be.attentionBackward(args, { out, lse, weights: null }, NDArray.empty([1, 2, 3, 3])),
      ).toThrow('attentionBackward: dOut [1, 2, 3, 3] must be [1, 2, 3, 2]');
    });
  });
}
