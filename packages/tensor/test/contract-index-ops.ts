/** Backend contract, part 3: gather / scatterAdd / indexSelect / indexAdd against the reference backend. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayOf, LAYOUTS, layoutArray, shapeArb } from '../../../testing/arrays';
import { type Backend, fromArray, type NDArray, zeros } from '../src/index';
import { expectLike, f64, oracle, RUNS } from './contract-helpers';

/** An int32 array of `shape` with values in [0, n), in a random layout. */
function indexArb(shape: readonly number[], n: number): fc.Arbitrary<NDArray> {
  return fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: Math.max(n - 1, 0) }), { minLength: 1, maxLength: 30 }),
      fc.constantFrom(...LAYOUTS),
      fc.nat(3),
    )
    .map(([v, layout, k]) => layoutArray(v, shape, layout, 'int32', k));
}

/** x of a random shape (rank >= 1), an axis and an index shape that fits torch's gather rule. */
const gatherCase = shapeArb(1, 3, 4, 1)
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      axis: fc.integer({ min: 0, max: s.length - 1 }),
      idxShape: fc.tuple(...s.map((d) => fc.integer({ min: 0, max: d }))),
      extra: fc.integer({ min: 0, max: 4 }),
    }),
  )
  .chain(({ s, axis, idxShape, extra }) => {
    const shape = idxShape.map((d, i) => (i === axis ? extra : d));
    return fc.record({ x: arrayOf(s), axis: fc.constant(axis), index: indexArb(shape, s[axis]) });
  });

export function describeIndexOps(be: Backend): void {
  describe('gather / scatterAdd / indexSelect / indexAdd', () => {
    it('gather: out[i] = x[i with i[axis] = index[i]]', () => {
      fc.assert(
        fc.property(gatherCase, ({ x, axis, index }) => {
          expectLike(be.gather(x, axis, index), oracle.gather(f64(x), axis, index), 0, 0);
        }),
        RUNS,
      );
    });
    it('scatterAdd: sums src into zeros(shape) at the indexed positions', () => {
      fc.assert(
        fc.property(
          gatherCase.chain(({ x, axis, index }) =>
            fc.record({
              shape: fc.constant([...x.shape]),
              axis: fc.constant(axis),
              index: fc.constant(index),
              src: arrayOf(index.shape),
            }),
          ),
          ({ shape, axis, index, src }) => {
            const want = oracle.scatterAdd(shape, axis, index, f64(src));
            expectLike(be.scatterAdd(shape, axis, index, src), want, 1e-6, 1e-6);
          },
        ),
        RUNS,
      );
    });
    it('indexSelect and indexAdd along any axis, with repeated indices', () => {
      fc.assert(
        fc.property(
          shapeArb(1, 3, 4, 1)
            .chain((s) =>
              fc.record({
                s: fc.constant(s),
                axis: fc.integer({ min: 0, max: s.length - 1 }),
                len: fc.integer({ min: 0, max: 5 }),
              }),
            )
            .chain(({ s, axis, len }) => {
              const srcShape = s.map((d, i) => (i === axis ? len : d));
              return fc.record({
                x: arrayOf(s),
                axis: fc.constant(axis),
                index: indexArb([len], s[axis]),
                src: arrayOf(srcShape),
              });
            }),
          ({ x, axis, index, src }) => {
            expectLike(be.indexSelect(x, axis, index), oracle.indexSelect(f64(x), axis, index), 0, 0);
            const want = oracle.indexAdd(x.shape, axis, index, f64(src));
            expectLike(be.indexAdd(x.shape, axis, index, src), want, 1e-6, 1e-6);
          },
        ),
        RUNS,
      );
    });
    it('out-of-range indices throw a RangeError naming the kernel, the value, the axis and its size', () => {
      const x = zeros([2, 3]);
      const bad = fromArray([[0, 5]], undefined, 'int32');
      expect(() => be.gather(x, 1, bad)).toThrow('gather: index 5 is out of range for axis 1 of size 3');
      expect(() => be.scatterAdd([2, 3], 1, bad, zeros([1, 2]))).toThrow(
        'scatterAdd: index 5 is out of range for axis 1 of size 3',
      );
      const neg = fromArray([-1], undefined, 'int32');
      expect(() => be.indexSelect(x, 0, neg)).toThrow(
        'indexSelect: index -1 is out of range for axis 0 of size 2',
      );
      expect(() => be.indexAdd([2, 3], 0, neg, zeros([1, 3]))).toThrow(
        'indexAdd: index -1 is out of range for axis 0 of size 2',
      );
    });
    it('bad index dtypes and shapes throw naming the kernel and the shapes', () => {
      const x = zeros([2, 3]);
      expect(() => be.gather(x, 0, zeros([1, 3]))).toThrow('gather: index must be int32, got float32 [1, 3]');
      expect(() => be.gather(x, 0, zeros([1, 4], 'int32'))).toThrow(
        'gather: index shape [1, 4] does not fit x shape [2, 3] outside axis 0',
      );
      expect(() => be.scatterAdd([2, 3], 0, zeros([1, 3], 'int32'), zeros([1, 2]))).toThrow(
        'scatterAdd: index shape [1, 3] must equal src shape [1, 2]',
      );
      expect(() => be.indexSelect(x, 0, zeros([1, 1], 'int32'))).toThrow(
        'indexSelect: index must be 1-d, got shape [1, 1]',
      );
      expect(() => be.indexAdd([2, 3], 1, zeros([2], 'int32'), zeros([2, 3]))).toThrow(
        'indexAdd: src shape [2, 3] must be [2, 2] (shape [2, 3] with dim 1 set to the index length)',
      );
    });
  });
}
