/** Backend contract, part 6: the layer kernels gelu / geluBackward (both forms) and linear. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayArb, arrayOf, shapeArb } from '../../../testing/arrays';
import { type Backend, zeros } from '../src/index';
import { abs64, expectLike, f64, oracle, RUNS, tolerances } from './contract-helpers';

export function describeLayers(be: Backend): void {
  describe('gelu / linear', () => {
    for (const form of ['none', 'tanh'] as const) {
      it(`gelu (${form}) and its backward match the reference on every layout`, () => {
        fc.assert(
          fc.property(
            arrayArb(shapeArb()).chain(({ x }) => fc.record({ x: fc.constant(x), dy: arrayOf(x.shape) })),
            ({ x, dy }) => {
              expectLike(be.gelu(x, form), oracle.gelu(f64(x), form), 1e-5, 1e-6);
              expectLike(
                be.geluBackward(x, dy, form),
                oracle.geluBackward(f64(x), f64(dy), form),
                1e-5,
                1e-6,
              );
            },
          ),
          RUNS,
        );
      });
    }
    it('gelu rejects int32 input', () => {
      expect(() => be.gelu(zeros([2], 'int32'), 'none')).toThrow('gelu: int32 input [2] is not supported');
    });
    it('linear matches x W^T + b for any leading dims and layouts, with and without a bias', () => {
      fc.assert(
        fc.property(
          fc
            .record({
              lead: shapeArb(0, 2, 3),
              inF: fc.integer({ min: 0, max: 6 }),
              outF: fc.integer({ min: 0, max: 6 }),
              withBias: fc.boolean(),
            })
            .chain(({ lead, inF, outF, withBias }) =>
              fc.record({
                x: arrayOf([...lead, inF]),
                w: arrayOf([outF, inF]),
                b: withBias ? arrayOf([outF]) : fc.constant(null),
              }),
            ),
          ({ x, w, b }) => {
            const want = oracle.linear(f64(x), f64(w), b ? f64(b) : null);
            const bound = oracle.linear(abs64(x), abs64(w), b ? abs64(b) : null);
            expectLike(be.linear(x, w, b), want, 1e-6, tolerances(bound, 1e-6, 1e-7));
          },
        ),
        RUNS,
      );
    });
    it('linear rejects mismatched shapes naming them', () => {
      expect(() => be.linear(zeros([2, 3]), zeros([4, 3]), zeros([3]))).toThrow(
        'linear: x [2, 3], weight [4, 3] and bias [3] must be (..., in), (out, in) and (out)',
      );
      expect(() => be.linear(zeros([2, 3]), zeros([4, 5]), null)).toThrow(
        /matmul: shapes \[2, 3\] and \[5, 4\]/,
      );
    });
  });
}
