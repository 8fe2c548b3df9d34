/** Composite ops: cross entropy (smoothing, ignore, reductions), dropout, mse, and the fused layer norm's two backwards. */

import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index';

function randomTensor(shape: number[], rng: Rng, requiresGrad = true): T.Tensor {
  return T.fromNDArray(
    NDArray.of(
      Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
      shape,
    ),
    {
      requiresGrad,
    },
  );
}

/** Plain float64 cross entropy with label smoothing, as torch.nn.functional.cross_entropy defines it. */
function refCrossEntropy(logits: number[][], targets: number[], eps: number, ignore?: number): number[] {
  return logits.map((row, i) => {
    if (targets[i] === ignore) return 0;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const logp = row.map((v) => v - lse);
    return (1 - eps) * -logp[targets[i]] + eps * -(logp.reduce((a, b) => a + b, 0) / row.length);
  });
}

describe('crossEntropy', () => {
  it('matches the float64 reference for every reduction, smoothing and ignored rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 6 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (n, c, eps, seed) => {
          const rng = new Rng(seed);
          const logits = randomTensor([n, c], rng);
          const targets = Array.from({ length: n }, () => rng.int(c));
          const ignore = n > 1 ? targets[0] : undefined;
          const want = refCrossEntropy(logits.toArray() as number[][], targets, eps, ignore);
          const none = T.crossEntropy(logits, targets, {
            labelSmoothing: eps,
            reduction: 'none',
            ignoreIndex: ignore,
          });
          for (const [i, v] of (none.toArray() as number[]).entries()) expect(v).toBeCloseTo(want[i], 10);
          const sum = T.crossEntropy(logits, targets, {
            labelSmoothing: eps,
            reduction: 'sum',
            ignoreIndex: ignore,
          });
          expect(sum.item()).toBeCloseTo(
            want.reduce((a, b) => a + b, 0),
            10,
          );
          const counted = targets.filter((t) => t !== ignore).length;
          const mean = T.crossEntropy(logits, targets, { labelSmoothing: eps, ignoreIndex: ignore });
          expect(mean.item()).toBeCloseTo(want.reduce((a, b) => a + b, 0) / Math.max(counted, 1), 10);
          const r = T.gradcheck(
            (x) => T.crossEntropy(x, targets, { labelSmoothing: eps, ignoreIndex: ignore }),
            [logits],
          );
          expect(r.message).toBe('');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects out-of-range targets and mis-shaped inputs naming the row and shapes', () => {
    expect(() => T.crossEntropy(T.zeros([2, 3]), [0, 3])).toThrow(
      'crossEntropy: target 3 at row 1 is out of range for 3 classes',
    );
    expect(() => T.crossEntropy(T.zeros([2, 3]), [0])).toThrow(
      'crossEntropy: targets [1] must be (N,) with N = 2',
    );
    expect(() => T.crossEntropy(T.zeros([6]), [0])).toThrow('crossEntropy: logits must be (N, C), got [6]');
  });
});

describe('dropout', () => {
  it('is the identity in eval mode and for p = 0', () => {
    const x = T.ones([3, 4]);
    expect(T.dropout(x, 0.5, { training: false })).toBe(x);
    expect(T.dropout(x, 0, { training: true })).toBe(x);
  });

  it('keeps about 1 - p of the elements, scaled by 1 / (1 - p), and is reproducible from the seed', () => {
    const x = T.ones([100, 100]);
    const a = T.dropout(x, 0.3, { rng: new Rng(7) }).data.values();
    const b = T.dropout(x, 0.3, { rng: new Rng(7) }).data.values();
    expect(Buffer.from(a.buffer)).toEqual(Buffer.from(b.buffer));
    const kept = a.filter((v) => v !== 0);
    expect(kept.length / a.length).toBeGreaterThan(0.67);
    expect(kept.length / a.length).toBeLessThan(0.73);
    for (const v of kept) expect(v).toBeCloseTo(1 / 0.7, 6);
    expect(() => T.dropout(x, 1)).toThrow('dropout: p must be in [0, 1), got 1');
  });

  it('passes gradients only through kept elements', () => {
    const x = randomTensor([5, 5], new Rng(1));
    const y = T.dropout(x, 0.5, { rng: new Rng(3) });
    T.sum(y).backward();
    const yv = y.data.values();
    const gv = x.grad?.data.values() ?? new Float64Array();
    for (let i = 0; i < yv.length; i++) expect(gv[i]).toBe(yv[i] === 0 ? 0 : 2);
  });
});

describe('mse and linear', () => {
  it('mse reduces like torch (mean, sum, none) and passes gradcheck', () => {
    const rng = new Rng(5);
    const a = randomTensor([3, 2], rng);
    const b = randomTensor([3, 2], rng);
    const d = (a.data.values() as Float64Array).map((v, i) => (v - b.data.values()[i]) ** 2);
    expect(T.mse(a, b, 'sum').item()).toBeCloseTo(
      d.reduce((s, v) => s + v, 0),
      12,
    );
    expect(T.mse(a, b).item()).toBeCloseTo(d.reduce((s, v) => s + v, 0) / 6, 12);
    expect(T.mse(a, b, 'none').shape).toEqual([3, 2]);
    expect(T.gradcheck((x, y) => T.mse(x, y), [a, b]).message).toBe('');
  });

  it('linear computes x W^T + b and passes gradcheck', () => {
    const rng = new Rng(9);
    const x = randomTensor([2, 3, 4], rng);
    const w = randomTensor([5, 4], rng);
    const bias = randomTensor([5], rng);
    expect(T.linear(x, w, bias).shape).toEqual([2, 3, 5]);
    expect(T.gradcheck((p, q, r) => T.linear(p, q, r), [x, w, bias]).message).toBe('');
  });
});

describe('layerNorm backward', () => {
  it('the fused kernel and the composed-from-primitives backward agree', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 7 }),
        fc.nat(1000),
        (rows, c, seed) => {
          const rng = new Rng(seed);
          const x = randomTensor([rows, c], rng);
          const w = randomTensor([c], rng);
          const b = randomTensor([c], rng);
          const g = randomTensor([rows, c], rng, false);
          const fused = T.grad(T.sum(T.mul(T.layerNorm(x, w, b), g)), [x, w, b]);
          const composed = T.grad(T.sum(T.mul(T.layerNorm(x, w, b), g)), [x, w, b], { createGraph: true });
          fused.forEach((f, i) => {
            const fv = f.data.values();
            const cv = composed[i].data.values();
            for (let j = 0; j < fv.length; j++) expect(fv[j]).toBeCloseTo(cv[j], 10);
          });
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('determinism', () => {
  it('the same seed gives bit-identical forward and gradients', () => {
    const run = () => {
      const rng = new Rng(42);
      const x = T.randn([8, 16], rng, { requiresGrad: true });
      const w = T.randn([16, 16], rng, { requiresGrad: true });
      const y = T.crossEntropy(T.gelu(T.dropout(T.matmul(x, w), 0.1, { rng })), [0, 1, 2, 3, 4, 5, 6, 7], {
        labelSmoothing: 0.1,
      });
      y.backward();
      return [y.data.values(), x.grad?.data.values(), w.grad?.data.values()];
    };
    const [a, b] = [run(), run()];
    a.forEach((arr, i) => {
      expect(arr).toBeDefined();
      expect(Buffer.from((arr as Float32Array).buffer)).toEqual(Buffer.from((b[i] as Float32Array).buffer));
    });
  });
});
