import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayArb, shapeArb } from '../../../testing/arrays';
import { elements, fromArray, NDArray } from '../src/index';

describe('NDArray', () => {
  it('contiguous() / clone() / values() keep logical order for every layout and clone never shares storage', () => {
    fc.assert(
      fc.property(arrayArb(shapeArb()), ({ x }) => {
        const want = elements(x);
        expect(elements(x.contiguous())).toEqual(want);
        expect(Array.from(x.values())).toEqual(want);
        const c = x.clone();
        expect(c.isDense).toBe(true);
        expect(c.data).not.toBe(x.data);
        expect(elements(c)).toEqual(want);
      }),
    );
  });
  it('contiguous() keeps logical order on both sides of the block-copy row length (64)', () => {
    const longRows = fc
      .tuple(shapeArb(0, 2, 3), fc.integer({ min: 60, max: 68 }))
      .map(([outer, n]) => [...outer, n]);
    fc.assert(
      fc.property(arrayArb(longRows), ({ x }) => {
        expect(elements(x.contiguous())).toEqual(elements(x));
      }),
      { numRuns: 60 },
    );
  });
  it('toArray and fromArray round trip', () => {
    fc.assert(
      fc.property(arrayArb(shapeArb(1, 3, 3)), ({ x }) => {
        expect(elements(fromArray(x.toArray()))).toEqual(elements(x));
      }),
    );
  });
  it('astype to int32 truncates toward zero', () => {
    expect(fromArray([-1.7, 2.9, 0.5]).astype('int32').toArray()).toEqual([-1, 2, 0]);
  });
  it('get / item validate indices naming the dim and size', () => {
    const x = fromArray([[1, 2, 3]]);
    expect(x.get(0, -1)).toBe(3);
    expect(() => x.get(0, 3)).toThrow('get: index 3 is out of range for dim 1 of size 3');
    expect(() => x.get(0)).toThrow('get: 1 indices for a tensor of shape [1, 3]');
    expect(() => x.item()).toThrow('item: tensor of shape [1, 3] has 3 elements');
  });
  it('NDArray.of rejects storage that does not fill the shape', () => {
    expect(() => NDArray.of(new Float32Array(5), [2, 3])).toThrow(
      'NDArray.of: 5 values do not fill shape [2, 3] (6)',
    );
  });
  it('transpose swaps the last two axes by default', () => {
    const x = fromArray([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.transpose().toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
});
