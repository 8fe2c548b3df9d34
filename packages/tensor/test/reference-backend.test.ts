/**
 * The oracle's own checks, independent of it: hand-computed values, erf against numerical integration, and
 * every backward kernel against central differences of its forward kernel (float64). The contract suite then
 * compares every other backend with it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elements, fromArray, type NDArray, referenceBackend as ref, referenceErf } from '../src/index';

/** erf by composite Simpson integration of 2/sqrt(pi) exp(-t^2) (error far below 1e-9). */
function simpsonErf(x: number): number {
  const n = 2000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

const f64 = (values: number[], shape: number[]) => fromArray(values, shape, 'float64');

/** d/dx_i of sum(f(x) * w) by central differences, for every element i of x. */
function numericGrad(f: (x: NDArray) => NDArray, x: NDArray, w: NDArray): number[] {
  const base = elements(x);
  const W = elements(w);
  const h = 1e-6;
  const at = (v: number[]) => elements(f(f64(v, [...x.shape]))).reduce((s, y, i) => s + y * W[i], 0);
  return base.map((_, i) => {
    const up = base.map((v, j) => (j === i ? v + h : v));
    const down = base.map((v, j) => (j === i ? v - h : v));
    return (at(up) - at(down)) / (2 * h);
  });
}

function expectNear(got: NDArray, want: number[], tol: number): void {
  const g = elements(got);
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => {
    expect(Math.abs(v - want[i]), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol);
  });
}

const valuesArb = (n: number) =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n });

describe('reference backend: hand-computed values', () => {
  it('matmul, linear, softmax, logsumexp, layerNorm and attention on small cases', () => {
    const a = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = f64([1, 0, 0, 1, 1, 1], [3, 2]);
    expect(ref.matmul(a, b).toArray()).toEqual([
      [4, 5],
      [10, 11],
    ]);
    expect(ref.linear(a, f64([1, 1, 1], [1, 3]), f64([0.5], [1])).toArray()).toEqual([[6.5], [15.5]]);
    const s = ref.softmax(f64([0, Math.log(3)], [2]), 0).toArray();
    expect(s).toEqual([expect.closeTo(0.25, 15), expect.closeTo(0.75, 15)]);
    expect(ref.logsumexp(f64([0, Math.log(3)], [2]), 0, false).item()).toBeCloseTo(Math.log(4), 15);
    const ln = ref.layerNorm(f64([1, 3], [1, 2]), null, null, 0);
    expect(ln.out.toArray()).toEqual([[-1, 1]]);
    expect(ln.mean.item()).toBe(2);
    // One query over two keys with scores 0 and log 3 (scale 1): weights 1/4, 3/4.
    const q = f64([1], [1, 1, 1, 1]);
    const k = f64([0, Math.log(3)], [1, 1, 2, 1]);
    const v = f64([10, 20], [1, 1, 2, 1]);
    const att = ref.attention({ q, k, v, kvHead: Int32Array.of(0), scale: 1, mask: null }, true);
    expect(att.out.item()).toBeCloseTo(17.5, 12);
    expect(att.lse.item()).toBeCloseTo(Math.log(4), 12);
    expect(elements(att.weights ?? f64([], [0]))).toEqual([
      expect.closeTo(0.25, 12),
      expect.closeTo(0.75, 12),
    ]);
  });
  it('reductions, index ops and shape ops', () => {
    const x = f64([3, -1, 2, 7, 0, 7], [2, 3]);
    expect(ref.reduce.sum(x, [1], false).toArray()).toEqual([4, 14]);
    expect(ref.reduce.max(x, [0, 1], false).item()).toBe(7);
    expect(ref.argReduce.argmax(x, 1, false).toArray()).toEqual([0, 0]); // the first of two 7s
    expect(ref.argReduce.argmin(x, 1, false).toArray()).toEqual([1, 1]);
    const idx = fromArray([2, 0, 2], [3], 'int32');
    expect(ref.indexSelect(x, 1, idx).toArray()).toEqual([
      [2, 3, 2],
      [7, 7, 7],
    ]);
    expect(ref.indexAdd([3], 0, idx, f64([1, 2, 4], [3])).toArray()).toEqual([2, 0, 5]);
    expect(ref.pad(f64([1], [1]), [[1, 2]], 9).toArray()).toEqual([9, 1, 9, 9]);
    expect(ref.concat([f64([1], [1]), f64([2, 3], [2])], 0).toArray()).toEqual([1, 2, 3]);
  });
});

describe('reference backend: erf', () => {
  it('matches numerical integration to 1e-12 on [-6, 6]', () => {
    fc.assert(
      fc.property(fc.double({ min: -6, max: 6, noNaN: true }), (x) => {
        expect(Math.abs(referenceErf(x) - simpsonErf(x))).toBeLessThan(1e-12);
      }),
      { numRuns: 200 },
    );
  });
});

describe('reference backend: backward kernels against central differences of the forwards', () => {
  it('softmaxBackward, geluBackward (both forms), layerNormBackward', () => {
    fc.assert(
      fc.property(valuesArb(6), valuesArb(6), valuesArb(3), (xv, wv, gv) => {
        const x = f64(xv, [2, 3]);
        const w = f64(wv, [2, 3]);
        const y = ref.softmax(x, 1);
        expectNear(
          ref.softmaxBackward(y, w, 1),
          numericGrad((t) => ref.softmax(t, 1), x, w),
          1e-6,
        );
        for (const form of ['none', 'tanh'] as const) {
          expectNear(
            ref.geluBackward(x, w, form),
            numericGrad((t) => ref.gelu(t, form), x, w),
            1e-6,
          );
        }
        const gamma = f64(gv, [3]);
        const { mean, rstd } = ref.layerNorm(x, gamma, null, 1e-5);
        const grads = ref.layerNormBackward(w, x, gamma, mean, rstd, false);
        expectNear(
          grads.dx,
          numericGrad((t) => ref.layerNorm(t, gamma, null, 1e-5).out, x, w),
          1e-5,
        );
        const dGamma = numericGrad((g) => ref.layerNorm(x, g, null, 1e-5).out, gamma, w);
        expectNear(grads.dweight ?? f64([], [0]), dGamma, 1e-5);
      }),
      { numRuns: 30 },
    );
  });
  it('attentionBackward (GQA map, mask) gives the gradients of the attention forward', () => {
    fc.assert(
      fc.property(valuesArb(8), valuesArb(6), valuesArb(6), valuesArb(8), (qv, kv, vv, wv) => {
        const q = f64(qv, [1, 2, 2, 2]); // (B, Hq, T, D)
        const k = f64(kv, [1, 1, 3, 2]); // (B, Hkv, S, D)
        const v = f64(vv, [1, 1, 3, 2]);
        const w = f64(wv, [1, 2, 2, 2]);
        const map = Int32Array.of(0, 0);
        const mask = fromArray([1, 0, 1, 1, 1, 0], [2, 3], 'int32'); // (T, S)
        const run = (qq: NDArray, kk: NDArray, vvv: NDArray) =>
          ref.attention({ q: qq, k: kk, v: vvv, kvHead: map, scale: 0.7, mask }, false);
        const g = ref.attentionBackward({ q, k, v, kvHead: map, scale: 0.7, mask }, run(q, k, v), w);
        expectNear(
          g.dq,
          numericGrad((t) => run(t, k, v).out, q, w),
          1e-6,
        );
        expectNear(
          g.dk,
          numericGrad((t) => run(q, t, v).out, k, w),
          1e-6,
        );
        expectNear(
          g.dv,
          numericGrad((t) => run(q, k, t).out, v, w),
          1e-6,
        );
      }),
      { numRuns: 30 },
    );
  });
});
