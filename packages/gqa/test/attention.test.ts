import { grad, mul, sum, type Tensor, tensor, topologicalOrder } from '@gqa-lab/autograd';
import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scaledDotProductAttention } from '../src/attention';
import { allocationToMap, gqaMap, mhaMap, mqaMap } from '../src/head-map';
import { maxAbsDiff, randn64, repeatedKvAttention } from './helpers';

const dims = fc.record({
  B: fc.integer({ min: 1, max: 2 }),
  G: fc.integer({ min: 1, max: 3 }),
  n: fc.integer({ min: 1, max: 3 }),
  T: fc.integer({ min: 1, max: 4 }),
  S: fc.integer({ min: 1, max: 4 }),
  D: fc.integer({ min: 1, max: 4 }),
  seed: fc.nat(1000),
});

/** A random map over G KV heads for Hq query heads (arbitrary, not contiguous). */
const arbitraryMap = fc
  .record({ G: fc.integer({ min: 1, max: 3 }), Hq: fc.integer({ min: 1, max: 6 }), seed: fc.nat(1000) })
  .map(({ G, Hq, seed }) => {
    const rng = new Rng(seed);
    return { G, map: Int32Array.from({ length: Hq }, () => rng.int(G)), seed };
  });

function qkv(B: number, Hq: number, G: number, T: number, S: number, D: number, seed: number) {
  return {
    q: randn64([B, Hq, T, D], seed),
    k: randn64([B, G, S, D], seed + 1),
    v: randn64([B, G, S, D], seed + 2),
  };
}

describe('scaledDotProductAttention', () => {
  it('equals attention on explicitly repeated K/V for gqa maps (fast path)', () => {
    fc.assert(
      fc.property(dims, ({ B, G, n, T, S, D, seed }) => {
        const { q, k, v } = qkv(B, G * n, G, T, S, D, seed);
        const map = gqaMap(G * n, G);
        const { out } = scaledDotProductAttention(q, k, v, map);
        expect(out.shape).toEqual([B, G * n, T, D]);
        expect(maxAbsDiff(out, repeatedKvAttention(q, k, v, map))).toBeLessThan(1e-12);
      }),
    );
  });

  it('equals attention on explicitly repeated K/V for arbitrary maps, and so do the gradients', () => {
    fc.assert(
      fc.property(arbitraryMap, ({ G, map, seed }) => {
        const { q, k, v } = qkv(2, map.length, G, 3, 4, 2, seed);
        const out = scaledDotProductAttention(q, k, v, map).out;
        const ref = repeatedKvAttention(q, k, v, map);
        expect(maxAbsDiff(out, ref)).toBeLessThan(1e-12);
        const w = randn64(out.shape, seed + 9, false);
        const mine = grad(sum(mulT(out, w)), [q, k, v]);
        const theirs = grad(sum(mulT(ref, w)), [q, k, v]);
        for (let i = 0; i < 3; i++) expect(maxAbsDiff(mine[i], theirs[i])).toBeLessThan(1e-12);
      }),
    );
  });

  it("gives each KV head the sum of its query heads' gradients", () => {
    fc.assert(
      fc.property(arbitraryMap, ({ G, map, seed }) => {
        const { q, k, v } = qkv(1, map.length, G, 2, 3, 2, seed);
        const out = scaledDotProductAttention(q, k, v, map).out;
        const [gk, gv] = grad(sum(mulT(out, randn64(out.shape, seed + 5, false))), [k, v]);
        // Per query head h, the gradient its own copy of k[kvHead[h]] would get, summed per KV head.
        const expectedK = new Float64Array(k.size);
        const expectedV = new Float64Array(v.size);
        const [, , S, D] = k.shape;
        for (let h = 0; h < map.length; h++) {
          const single = Int32Array.of(map[h]);
          const qh = randSlice(q, h);
          const o = scaledDotProductAttention(qh, k, v, single).out;
          const w = randn64(out.shape, seed + 5, false).data.slice([{}, { start: h, stop: h + 1 }]);
          const [gkh, gvh] = grad(sum(mulT(o, tensorOf(w))), [k, v]);
          const ka = gkh.data.values();
          const va = gvh.data.values();
          for (let i = 0; i < ka.length; i++) {
            expectedK[i] += ka[i];
            expectedV[i] += va[i];
          }
        }
        expect(S * D * G).toBe(k.size);
        expect(maxAbsDiff(gk.data, fromF64(expectedK, k.shape))).toBeLessThan(1e-12);
        expect(maxAbsDiff(gv.data, fromF64(expectedV, v.shape))).toBeLessThan(1e-12);
      }),
    );
  });

  it('gqa(H, H) equals mha and gqa(H, 1) equals mqa', () => {
    fc.assert(
      fc.property(dims, ({ B, n, T, S, D, seed }) => {
        const H = n + 1;
        const mha = qkv(B, H, H, T, S, D, seed);
        const a = scaledDotProductAttention(mha.q, mha.k, mha.v, gqaMap(H, H)).out;
        const b = scaledDotProductAttention(mha.q, mha.k, mha.v, mhaMap(H)).out;
        expect(maxAbsDiff(a, b)).toBe(0);
        const mqa = qkv(B, H, 1, T, S, D, seed);
        const c = scaledDotProductAttention(mqa.q, mqa.k, mqa.v, gqaMap(H, 1)).out;
        const d = scaledDotProductAttention(mqa.q, mqa.k, mqa.v, mqaMap(H)).out;
        expect(maxAbsDiff(c, d)).toBe(0);
      }),
    );
  });

  it('permuting query heads together with the map permutes the outputs', () => {
    fc.assert(
      fc.property(arbitraryMap, ({ G, map, seed }) => {
        const Hq = map.length;
        const { q, k, v } = qkv(2, Hq, G, 3, 3, 2, seed);
        const perm = new Rng(seed + 3).permutation(Hq);
        const qp = tensorOf(q.data.clone()); // rows permuted below
        const qv = q.data.values();
        const per = q.size / (2 * Hq);
        for (let b = 0; b < 2; b++)
          for (let h = 0; h < Hq; h++)
            for (let i = 0; i < per; i++)
              qp.data.data[(b * Hq + h) * per + i] = qv[(b * Hq + perm[h]) * per + i];
        const mapP = Int32Array.from(perm, (p) => map[p]);
        const out = scaledDotProductAttention(q, k, v, map).out.data.values();
        const outP = scaledDotProductAttention(qp, k, v, mapP).out.data.values();
        const perOut = out.length / (2 * Hq);
        for (let b = 0; b < 2; b++)
          for (let h = 0; h < Hq; h++)
            for (let i = 0; i < perOut; i++)
              expect(
                Math.abs(outP[(b * Hq + h) * perOut + i] - out[(b * Hq + perm[h]) * perOut + i]),
              ).toBeLessThan(1e-12);
      }),
    );
  });

  it('applies a mask (0 = blocked) like the repeated reference, on both paths', () => {
    fc.assert(
      fc.property(arbitraryMap, fc.boolean(), ({ G, map, seed }, useGqa) => {
        const m = useGqa ? gqaMap(G * 2, G) : map;
        const { q, k, v } = qkv(2, m.length, G, 3, 4, 2, seed);
        // Causal-style mask (T, S): position t may attend s <= t + 1; never a fully blocked row.
        const mask = fromF64(
          Float64Array.from({ length: 12 }, (_, i) => (i % 4 <= Math.floor(i / 4) + 1 ? 1 : 0)),
          [3, 4],
        );
        const blocked = fromF64(
          Float64Array.from(mask.values(), (x) => (x === 0 ? 1 : 0)),
          [3, 4],
        );
        const { out, weights } = scaledDotProductAttention(q, k, v, m, { mask, returnWeights: true });
        expect(maxAbsDiff(out, repeatedKvAttention(q, k, v, m, blocked))).toBeLessThan(1e-12);
        expect(weights?.shape).toEqual([2, m.length, 3, 4]);
        expect(weights?.data.get(0, 0, 0, 3)).toBe(0);
      }),
    );
  });

  it('never materialises a repeated (B, Hq, S, D) K/V on the fast path, forward or backward', () => {
    const [B, G, n, T, S, D] = [2, 2, 3, 5, 7, 4];
    const { q, k, v } = qkv(B, G * n, G, T, S, D, 1);
    const out = scaledDotProductAttention(q, k, v, gqaMap(G * n, G)).out;
    const gradsK = grad(sum(out), [k, v], { createGraph: true });
    const seen: { op: string; shape: readonly number[] }[] = [];
    for (const root of [out, ...gradsK])
      for (const t of topologicalOrder(root)) seen.push({ op: t.node?.op ?? 'leaf', shape: t.shape });
    const repeated = seen.filter(
      (s) =>
        s.shape.reduce((a, b) => a * b, 1) === B * G * n * S * D &&
        s.shape.includes(S) &&
        s.shape.includes(D),
    );
    expect(repeated).toEqual([]);
    expect(seen.some((s) => s.op === 'indexSelect' || s.op === 'expand' || s.op === 'concat')).toBe(false);
    expect(seen.filter((s) => s.op === 'matmul').length).toBeGreaterThanOrEqual(2);
  });

  it('rejects bad shapes and maps with clear errors', () => {
    const { q, k, v } = qkv(1, 4, 2, 2, 2, 2, 0);
    expect(() => scaledDotProductAttention(q, k, v, gqaMap(2, 2))).toThrow(/kvHead has 2 entries for Hq = 4/);
    expect(() => scaledDotProductAttention(q, k, v, Int32Array.of(0, 1, 2, 0))).toThrow(/outside \[0, 2\)/);
    expect(() => scaledDotProductAttention(q, v, randn64([1, 2, 3, 2], 0), gqaMap(4, 2))).toThrow(
      /k \[1, 2, 2, 2\]/,
    );
    expect(allocationToMap([4, 0])).toEqual(Int32Array.of(0, 0, 0, 0));
  });
});

function mulT(a: Tensor, b: Tensor): Tensor {
  return mul(a, b);
}
function tensorOf(arr: NDArray): Tensor {
  return tensor(arr.values(), { shape: arr.shape, dtype: 'float64', requiresGrad: true });
}
function fromF64(values: Float64Array, shape: readonly number[]): NDArray {
  return NDArray.of(values, shape);
}
function randSlice(q: Tensor, h: number): Tensor {
  return tensorOf(q.data.slice([{}, { start: h, stop: h + 1 }]).clone());
}
