import { Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  correctedKeyNormAllocation,
  fixUpRandomly,
  proportionalAllocation,
  referenceKeyNormAllocation,
  roundedShares,
  roundHalfEven,
} from '../src/allocation';

const sum = (a: Int32Array) => a.reduce((x, y) => x + y, 0);
const norms = (G: number) =>
  fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: G, maxLength: G });

describe('reference KDGQA allocation (published code)', () => {
  it('matches the published outputs exactly', () => {
    expect(Array.from(referenceKeyNormAllocation([10, 10.1, 10.2], 6))).toEqual([0, 2, 4]);
    expect(Array.from(referenceKeyNormAllocation([10, 10.01, 11], 6))).toEqual([0, 0, 6]);
    expect(Array.from(referenceKeyNormAllocation([10, 10.1, 10.2, 10.3, 10.4, 10.5], 12))).toEqual([
      0, 1, 2, 2, 3, 4,
    ]);
    expect(Array.from(referenceKeyNormAllocation([10, 11, 11, 11], 16))).toEqual([1, 5, 5, 5]);
  });

  it('with G = 2 gives every query to one KV head', () => {
    fc.assert(
      fc.property(norms(2), fc.integer({ min: 1, max: 32 }), (m, H) => {
        fc.pre(m[0] !== m[1]);
        const a = Array.from(referenceKeyNormAllocation(m, H));
        expect(a).toEqual(m[0] < m[1] ? [0, H] : [H, 0]);
      }),
    );
  });

  it('always sums to H for distinct norms', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }).chain((G) => norms(G)),
        fc.integer({ min: 1, max: 32 }),
        (m, H) => {
          fc.pre(Math.min(...m) < Math.max(...m));
          const a = referenceKeyNormAllocation(m, H);
          expect(sum(a)).toBe(H);
          expect(a.every((x) => x >= 0)).toBe(true);
        },
      ),
    );
  });

  it('throws (where the original hangs) on tied norms and G = 1', () => {
    expect(() => referenceKeyNormAllocation([3, 3], 4)).toThrow(/max == min/);
    expect(() => referenceKeyNormAllocation([7], 4)).toThrow(/max == min/);
    expect(() => roundedShares('DGQA-diff', [0, 0], 4)).toThrow(/DGQA-diff \(reference\).*not finite/);
  });

  it('rounds half to even like torch.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, 3]);
  });

  it('random fix-up (seeded) reaches H and never goes negative', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 20 }),
        fc.nat(),
        (a, H, seed) => {
          const out = fixUpRandomly(Int32Array.from(a), H, new Rng(seed));
          expect(sum(out)).toBe(H);
          expect(out.every((x) => x >= 0)).toBe(true);
          expect(fixUpRandomly(Int32Array.from(a), H, new Rng(seed))).toEqual(out);
        },
      ),
    );
  });
});

describe('corrected allocation', () => {
  it('sums to H, respects minPerGroup, never NaN, uniform on ties', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((G) => norms(G)),
        fc.integer({ min: 1, max: 32 }),
        (m, H) => {
          const a = correctedKeyNormAllocation(m, H);
          expect(sum(a)).toBe(H);
          const min = H >= m.length ? 1 : 0;
          expect(a.every((x) => x >= min)).toBe(true);
          const tied = correctedKeyNormAllocation(
            m.map(() => 5),
            H,
          );
          expect(Math.max(...tied) - Math.min(...tied)).toBeLessThanOrEqual(1);
        },
      ),
    );
    expect(Array.from(correctedKeyNormAllocation([10, 10.1, 10.2], 6))).toEqual([1, 2, 3]);
    expect(Array.from(correctedKeyNormAllocation([4, 4, 4], 6))).toEqual([2, 2, 2]);
  });

  it('largest remainder: zero or non-finite totals give the uniform split', () => {
    expect(Array.from(proportionalAllocation([0, 0, 0], 7))).toEqual([3, 2, 2]);
    expect(Array.from(proportionalAllocation([1, 1, 2], 8))).toEqual([2, 2, 4]);
    expect(() => proportionalAllocation([1, 1], 3, 2)).toThrow(/minPerGroup 2/);
  });
});
