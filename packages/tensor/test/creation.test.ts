import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapeArb } from '../../../testing/arrays';
import {
  arange,
  eye,
  fromArray,
  full,
  linspace,
  normal,
  ones,
  Rng,
  scalar,
  truncatedNormal,
  uniform,
  zeros,
} from '../src/index';

describe('creation', () => {
  it('zeros / ones / full fill every element of any shape', () => {
    fc.assert(
      fc.property(shapeArb(), fc.double({ min: -5, max: 5, noNaN: true }), (s, v) => {
        expect(zeros(s).shape).toEqual(s);
        expect(Array.from(ones(s, 'float64').data).every((x) => x === 1)).toBe(true);
        expect(Array.from(full(s, v, 'float64').data).every((x) => x === v)).toBe(true);
      }),
    );
    expect(() => zeros([2, -1])).toThrow('zeros: shape [2, -1] has an invalid size at dim 1 (-1)');
    expect(scalar(3).shape).toEqual([]);
  });
  it('arange and linspace match numpy', () => {
    expect(Array.from(arange(5).data)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(arange(1, 2, 0.25).data)).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(linspace(0, 1, 5).data)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(() => arange(0, 1, 0)).toThrow('arange: step must be finite and non-zero, got 0');
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });
  it('fromArray infers shapes and rejects ragged input naming the path', () => {
    expect(
      fromArray([
        [1, 2],
        [3, 4],
      ]).shape,
    ).toEqual([2, 2]);
    expect(() => fromArray([[1, 2], [3]])).toThrow(
      'fromArray: ragged nested array at [1]: expected length 2 for shape [2, 2]',
    );
  });
  it('seeded samplers are reproducible and respect their ranges', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(Array.from(normal([20], 0, 1, new Rng(seed)).data)).toEqual(
          Array.from(normal([20], 0, 1, new Rng(seed)).data),
        );
        const u = uniform([50], -2, 3, new Rng(seed), 'float64');
        expect(Array.from(u.data).every((v) => v >= -2 && v < 3)).toBe(true);
        const t = truncatedNormal([200], 0, 1, -0.5, 0.7, new Rng(seed), 'float64');
        expect(Array.from(t.data).every((v) => v >= -0.5 && v <= 0.7)).toBe(true);
      }),
    );
    expect(() => truncatedNormal([1], 0, 1, 1, 0)).toThrow(
      'truncatedNormal: bounds must satisfy a < b, got [1, 0]',
    );
  });
});
