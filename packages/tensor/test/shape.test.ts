import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapeArb } from '../../../testing/arrays';
import {
  broadcastShapes,
  contiguousStrides,
  inferReshape,
  normalizeAxes,
  reducedShape,
  sizeOf,
} from '../src/index';

/** NumPy's broadcasting rule, written directly from its documentation. */
function numpyBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const out: number[] = [];
  for (let i = 1; i <= Math.max(a.length, b.length); i++) {
    const x = a[a.length - i] ?? 1;
    const y = b[b.length - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.unshift(x === 1 ? y : x);
  }
  return out;
}

describe('shape', () => {
  it('contiguous strides walk every element exactly once in row-major order', () => {
    fc.assert(
      fc.property(shapeArb(0, 4, 4), (s) => {
        const st = contiguousStrides(s);
        const n = sizeOf(s);
        if (s.length > 0 && n > 0) expect(st[s.length - 1]).toBe(1);
        for (let i = 0; i + 1 < s.length; i++) expect(st[i]).toBe(st[i + 1] * s[i + 1]);
      }),
    );
  });
  it('broadcastShapes follows the NumPy rules', () => {
    fc.assert(
      fc.property(shapeArb(0, 4, 3), shapeArb(0, 4, 3), (a, b) => {
        const want = numpyBroadcast(a, b);
        if (want) expect(broadcastShapes('add', a, b)).toEqual(want);
        else
          expect(() => broadcastShapes('add', a, b)).toThrow(
            /add: shapes .* are incompatible at dim \d+ \(\d+ vs \d+\)/,
          );
      }),
    );
  });
  it('broadcast errors name the op, both shapes, the dim and the sizes', () => {
    expect(() => broadcastShapes('add', [2, 3], [4, 3])).toThrow(
      'add: shapes [2, 3] and [4, 3] are incompatible at dim 0 (2 vs 4)',
    );
    expect(() => broadcastShapes('mul', [5, 2, 3], [4, 3])).toThrow(
      'mul: shapes [5, 2, 3] and [4, 3] are incompatible at dim 1 (2 vs 4)',
    );
  });
  it('inferReshape resolves -1 and keeps the element count', () => {
    fc.assert(
      fc.property(shapeArb(1, 4, 4, 1), fc.nat(3), (s, k) => {
        const target = [...s];
        target[k % s.length] = -1;
        expect(inferReshape('reshape', s, target)).toEqual(s);
      }),
    );
    expect(() => inferReshape('reshape', [2, 3], [4, -1])).toThrow(
      'reshape: cannot reshape [2, 3] (6 elements) to [4, -1]',
    );
    expect(() => inferReshape('reshape', [2, 3], [5])).toThrow(
      'reshape: cannot reshape [2, 3] (6 elements) to [5] (5 elements)',
    );
  });
  it('normalizeAxes sorts, resolves negatives and rejects repeats and out-of-range axes', () => {
    expect(normalizeAxes('sum', [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes('sum', undefined, 2)).toEqual([0, 1]);
    expect(() => normalizeAxes('sum', [1, -2], 3)).toThrow('sum: repeated axis in [1, -2]');
    expect(() => normalizeAxes('sum', [3], 3)).toThrow('sum: axis 3 is out of range for a tensor of rank 3');
  });
  it('reducedShape drops or keeps reduced axes', () => {
    expect(reducedShape([2, 3, 4], [0, 2], false)).toEqual([3]);
    expect(reducedShape([2, 3, 4], [0, 2], true)).toEqual([1, 3, 1]);
  });
});
