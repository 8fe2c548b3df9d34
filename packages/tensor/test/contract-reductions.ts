/** Backend contract, part 2: sum / mean / max / min over any axes, argmax / argmin. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayArb, LAYOUTS, layoutArray, shapeArb } from '../../../testing/arrays';
import { ARG_REDUCE_OPS, type Backend, REDUCE_OPS, zeros } from '../src/index';
import { abs64, expectLike, f64, oracle, RUNS, tolerances } from './contract-helpers';

/** Axes subsets of a rank: sorted, unique. */
function axesArb(rank: number): fc.Arbitrary<number[]> {
  return fc.subarray(Array.from({ length: rank }, (_, i) => i));
}

export function describeReductions(be: Backend): void {
  describe('reductions', () => {
    for (const op of REDUCE_OPS) {
      it(`${op} over any axes with and without keepdims`, () => {
        const minDim = op === 'max' || op === 'min' ? 1 : 0;
        fc.assert(
          fc.property(
            arrayArb(shapeArb(0, 4, 4, minDim)).chain(({ x }) =>
              fc.record({ x: fc.constant(x), axes: axesArb(x.rank), keepdims: fc.boolean() }),
            ),
            ({ x, axes, keepdims }) => {
              const want = oracle.reduce[op](f64(x), axes, keepdims);
              const scale = tolerances(oracle.reduce.sum(abs64(x), axes, keepdims), 1e-6, 1e-7);
              expectLike(be.reduce[op](x, axes, keepdims), want, 1e-6, scale);
            },
          ),
          RUNS,
        );
      });
    }
    it('sum / mean over the leading axes of tall inputs (bias-gradient shapes, any row count)', () => {
      const tall = fc
        .tuple(fc.integer({ min: 1, max: 11 }), shapeArb(1, 2, 5, 1))
        .map(([rows, rest]) => [rows, ...rest]);
      fc.assert(
        fc.property(
          arrayArb(tall).chain(({ x }) =>
            fc.record({
              x: fc.constant(x),
              lead: fc.integer({ min: 1, max: x.rank - 1 }),
              op: fc.constantFrom('sum' as const, 'mean' as const),
            }),
          ),
          ({ x, lead, op }) => {
            const axes = Array.from({ length: lead }, (_, i) => i);
            const want = oracle.reduce[op](f64(x), axes, false);
            const scale = tolerances(oracle.reduce.sum(abs64(x), axes, false), 1e-6, 1e-7);
            expectLike(be.reduce[op](x, axes, false), want, 1e-6, scale);
          },
        ),
        RUNS,
      );
    });
    it('sum of an empty axis is 0, mean is NaN, max / min throw naming the dim', () => {
      const x = zeros([2, 0]);
      expect(be.reduce.sum(x, [1], false).toArray()).toEqual([0, 0]);
      expect(be.reduce.mean(x, [1], false).toArray()).toEqual([Number.NaN, Number.NaN]);
      expect(() => be.reduce.max(x, [1], false)).toThrow(
        'max: cannot reduce over the empty dim 1 of shape [2, 0]',
      );
      expect(() => be.reduce.min(x, [1], true)).toThrow(
        'min: cannot reduce over the empty dim 1 of shape [2, 0]',
      );
    });
    for (const op of ARG_REDUCE_OPS) {
      it(`${op} gives the first extreme index as int32`, () => {
        fc.assert(
          fc.property(
            // Few distinct values so ties are common.
            shapeArb(1, 4, 4, 1).chain((s) =>
              fc.record({
                x: fc
                  .tuple(
                    fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 1, maxLength: 40 }),
                    fc.constantFrom(...LAYOUTS),
                    fc.nat(3),
                  )
                  .map(([v, l, k]) => layoutArray(v, s, l, 'float32', k)),
                axis: fc.integer({ min: 0, max: s.length - 1 }),
                keepdims: fc.boolean(),
              }),
            ),
            ({ x, axis, keepdims }) => {
              const got = be.argReduce[op](x, axis, keepdims);
              expect(got.dtype).toBe('int32');
              expectLike(got, oracle.argReduce[op](f64(x), axis, keepdims), 0, 0);
            },
          ),
          RUNS,
        );
      });
    }
  });
}
