/** Backend contract, part 4: softmax, softmaxBackward, logsumexp, layerNorm forward and backward. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Backend, fromArray } from '../src/index';
import { arrayArb, arrayOf, shapeArb } from './arrays';
import { expectClose, RUNS } from './contract-helpers';
import * as ref from './reference';

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
          const ax = axis < 0 ? axis + x.rank : axis;
          expectClose(be.softmax(x, axis), x.shape, ref.refSoftmax(x, ax), 1e-5, 1e-7);
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
            const ax = axis < 0 ? axis + x.rank : axis;
            const y = be.softmax(x, axis);
            expectClose(
              be.softmaxBackward(y, dy, axis),
              x.shape,
              ref.refSoftmaxBackward(y, dy, ax),
              1e-5,
              1e-6,
            );
          },
        ),
        RUNS,
      );
    });
    it('logsumexp is stable and keeps dims on request', () => {
      fc.assert(
        fc.property(withAxis(80), fc.boolean(), ({ x, axis }, keepdims) => {
          const ax = axis < 0 ? axis + x.rank : axis;
          const shape = x.shape.flatMap((d, i) => (i === ax ? (keepdims ? [1] : []) : [d]));
          expectClose(be.logsumexp(x, axis, keepdims), shape, ref.refLogsumexp(x, ax), 1e-6, 1e-6);
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
            const want = ref.refLayerNorm(x, w, b, eps);
            const got = be.layerNorm(x, w, b, eps);
            const statShape = [...x.shape.slice(0, -1), 1];
            expectClose(got.out, x.shape, want.out, 1e-4, 1e-4);
            expectClose(got.mean, statShape, want.mean, 1e-5, 1e-6);
            expectClose(got.rstd, statShape, want.rstd, 1e-4, 1e-4);
            const grads = be.layerNormBackward(dy, x, w, got.mean, got.rstd, b !== null);
            const wantG = ref.refLayerNormBackward(dy, x, w, eps);
            expectClose(grads.dx, x.shape, wantG.dx, 1e-3, 1e-3);
            if (w) expectClose(grads.dweight ?? fromArray([]), w.shape, wantG.dw, 1e-4, 1e-4);
            else expect(grads.dweight).toBeNull();
            if (b) expectClose(grads.dbias ?? fromArray([]), b.shape, wantG.db, 1e-5, 1e-5);
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
