import { add, sum, tensor } from '@gqa-lab/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, Parameter } from '../src/index';

function norm64(params: Parameter[]): number {
  let acc = 0;
  for (const p of params) for (const g of p.grad?.data.values() ?? []) acc += g * g;
  return Math.sqrt(acc);
}

const gradArrays = fc.array(
  fc.array(fc.float({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 8 }),
  {
    minLength: 1,
    maxLength: 4,
  },
);

function withGrads(grads: number[][]): Parameter[] {
  return grads.map((g) => {
    const p = new Parameter(tensor(g.map(() => 0)).data);
    p.grad = tensor(g);
    return p;
  });
}

describe('clipGradNorm', () => {
  it('returns the norm before clipping; afterwards the norm is <= maxNorm and directions are kept (property)', () => {
    fc.assert(
      fc.property(gradArrays, fc.double({ min: 1e-3, max: 100, noNaN: true }), (grads, maxNorm) => {
        const params = withGrads(grads);
        const before = norm64(params);
        const total = clipGradNorm(params, maxNorm);
        expect(total).toBeCloseTo(before, 2);
        // float32 storage rounds each scaled element by up to 2^-24 relative.
        expect(norm64(params)).toBeLessThanOrEqual(maxNorm * (1 + 2 ** -23));
        const coef = maxNorm / (before + 1e-6);
        for (let i = 0; i < params.length; i++) {
          const g = Array.from(params[i].grad?.data.values() ?? []);
          const original = Array.from(Float32Array.from(grads[i]));
          if (coef >= 1) expect(g).toEqual(original);
          else for (let j = 0; j < g.length; j++) expect(g[j]).toBeCloseTo(original[j] * coef, 3);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('computes the infinity norm', () => {
    const params = withGrads([[1, -5], [3]]);
    expect(clipGradNorm(params, 1, { normType: Number.POSITIVE_INFINITY })).toBe(5);
    expect(Array.from(params[0].grad?.data.values() ?? [])[1]).toBeCloseTo(-1, 5);
  });

  it('throws on a non-finite norm when asked, naming the function', () => {
    const params = withGrads([[1, Number.POSITIVE_INFINITY]]);
    expect(() => clipGradNorm(params, 1, { errorIfNonfinite: true })).toThrow(
      /clipGradNorm: the total norm of 1 gradients is Infinity/,
    );
  });

  it('scales a gradient shared by two parameters once, not twice', () => {
    const a = new Parameter(tensor([3]).data);
    const b = new Parameter(tensor([4]).data);
    sum(add(a, b)).backward(); // both grads may be the same tensor object
    clipGradNorm([a, b], 1);
    const ga = a.grad?.data.values()[0] ?? 0;
    const gb = b.grad?.data.values()[0] ?? 0;
    expect(ga).toBeCloseTo(Math.SQRT1_2, 5);
    expect(gb).toBeCloseTo(Math.SQRT1_2, 5);
  });
});
