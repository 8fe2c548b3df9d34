/** Backend contract, part 4: softmax, softmaxBackward, logsumexp, layerNorm forward and backward. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayArb, arrayOf, shapeArb } from '../../../testing/arrays';
import { type Backend, fromArray } from '../src/index';
import { expectLike, f64, oracle, RUNS } from './contract-helpers';

/** An input of rank >= 1 with a chosen axis. */
const withAxis = (range: number) =>
  arrayArb(shapeArb(1, 4, 4), range).chain(({ x }) =>
    fc.record({ x: fc.constant(x), axis: fc.integer({ min: -x.rank, max: x.rank - 1 }) }),
  );

export function describeNormalization(be: Backend): void {
  describe('softmax / logsumexp / layerNorm', () => {
    it('softmax along any axis (negative axes too) matches the reference, even for large inputs', () => {
      fc.assert(
        fc.property(withAxis(80), ({ x, axis }) => {
          expectLike(be.softmax(x, axis), oracle.softmax(f64(x), axis), 1e-5, 1e-7);
        }),
        RUNS,
      );
    });
    it('softmaxBackward matches the Jacobian-vector product', () => {
      fc.assert(
        fc.property(
          withAxis(4).chain(({ x, axis }) =>
            fc.record({ x: fc.constant(x), axis: fc.constant(axis), dy: arrayOf(x.shape) }),
          ),
          ({ x, axis, dy }) => {
            const y = be.softmax(x, axis);
            const want = oracle.softmaxBackward(f64(y), f64(dy), axis);
            expectLike(be.softmaxBackward(y, dy, axis), want, 1e-5, 1e-6);
          },
        ),
        RUNS,
      );
    });
    it('logsumexp is stable and keeps dims on request', () => {
      fc.assert(
        fc.property(withAxis(80), fc.boolean(), ({ x, axis }, keepdims) => {
          expectLike(be.logsumexp(x, axis, keepdims), oracle.logsumexp(f64(x), axis, keepdims), 1e-6, 1e-6);
        }),
        RUNS,
      );
      expect(be.logsumexp(fromArray([1000, 1000]), 0, false).item()).toBeCloseTo(1000 + Math.log(2), 3);
    });
    it('layerNorm forward and backward (with and without weight / bias) match the references', () => {
      fc.assert(
        fc.property(
          arrayArb(shapeArb(1, 3, 4, 1)).chain(({ x }) => {
            const C = [x.shape[x.rank - 1]];
            return fc.record({
              x: fc.constant(x),
              w: fc.option(arrayOf(C), { nil: null }),
              b: fc.option(arrayOf(C), { nil: null }),
              dy: arrayOf(x.shape),
            });
          }),
          ({ x, w, b, dy }) => {
            const eps = 1e-5;
            const [w64, b64] = [w, b].map((t) => (t ? f64(t) : null));
            const want = oracle.layerNorm(f64(x), w64, b64, eps);
            const got = be.layerNorm(x, w, b, eps);
            expectLike(got.out, want.out, 1e-4, 1e-4);
            expectLike(got.mean, want.mean, 1e-5, 1e-6);
            expectLike(got.rstd, want.rstd, 1e-4, 1e-4);
            const grads = be.layerNormBackward(dy, x, w, got.mean, got.rstd, b !== null);
            const wantG = oracle.layerNormBackward(f64(dy), f64(x), w64, want.mean, want.rstd, b !== null);
            expectLike(grads.dx, wantG.dx, 1e-3, 1e-3);
            if (wantG.dweight) expectLike(grads.dweight ?? fromArray([]), wantG.dweight, 1e-4, 1e-4);
            else expect(grads.dweight).toBeNull();
            if (wantG.dbias) expectLike(grads.dbias ?? fromArray([]), wantG.dbias, 1e-5, 1e-5);
            else expect(grads.dbias).toBeNull();
          },
        ),
        RUNS,
      );
    });
    it('layerNorm rejects a weight of the wrong size naming the shapes', () => {
      const x = fromArray([[1, 2, 3]]);
      expect(() => be.layerNorm(x, fromArray([1, 2]), null, 1e-5)).toThrow(
        'layerNorm: weight shape [2] must be [3] for x [1, 3]',
      );
    });
  });
}
