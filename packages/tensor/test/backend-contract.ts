/**
 * The backend contract (tfjs describeWithFlags style): `describeBackend(name, make)` runs the same
 * properties against any Backend. Every kernel is compared with the reference backend (src/reference/, run
 * in float64: the oracle) on inputs in every layout; error inputs must throw the documented messages.
 * Only the Backend interface, NDArray and creation helpers are used, so a GPU backend runs it unchanged.
 * Every backend and CPU kernel tier is listed once in backends.ts, whose test runs this suite on each.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayArb, arrayOf, layoutArray, shapeArb, valueArb } from '../../../testing/arrays';
import {
  type Backend,
  BINARY_OPS,
  COMPARE_OPS,
  fromArray,
  referenceErf,
  UNARY_OPS,
  zeros,
} from '../src/index';
import { describeAttention } from './contract-attention';
import { abs64, expectClose, expectLike, f64, mapValues, oracle, RUNS, tolerances } from './contract-helpers';
import { describeIndexOps } from './contract-index-ops';
import { describeLayers } from './contract-layers';
import { describeNormalization } from './contract-normalization';
import { describeReductions } from './contract-reductions';

/** Domain-restricted inputs for ops that are not defined everywhere on [-4, 4]. */
const DOMAIN: Partial<Record<string, (v: number) => number>> = {
  log: (v) => Math.abs(v) + 0.01,
  sqrt: Math.abs,
  rsqrt: (v) => Math.abs(v) + 0.01,
  reciprocal: (v) => (Math.abs(v) < 0.01 ? 0.5 : v),
};

export function describeBackend(name: string, make: () => Backend): void {
  describe(`backend contract: ${name}`, () => {
    const be = make();

    describe('unary', () => {
      for (const op of UNARY_OPS) {
        it(`${op} matches the float64 reference on every layout`, () => {
          fc.assert(
            fc.property(arrayArb(shapeArb()), ({ x }) => {
              const d = DOMAIN[op];
              const input = d ? mapValues(x, d) : x;
              const want = oracle.unary[op](f64(input));
              expectLike(be.unary[op](input), want, 2e-6, op === 'erf' ? 1e-6 : 1e-7);
            }),
            RUNS,
          );
        });
      }
      it('erf is accurate to 1e-9 in float64', () => {
        fc.assert(
          fc.property(
            fc.array(fc.double({ min: -7, max: 7, noNaN: true }), { minLength: 1, maxLength: 20 }),
            (v) => {
              const x = fromArray(Float64Array.from(v));
              expectClose(be.unary.erf(x), [v.length], v.map(referenceErf), 0, 1e-9);
            },
          ),
          RUNS,
        );
        expect(be.unary.erf(fromArray([0.5, 1, 2, -1], undefined, 'float64')).toArray()).toEqual([
          expect.closeTo(0.5204998778130465, 12),
          expect.closeTo(0.8427007929497149, 12),
          expect.closeTo(0.9953222650189527, 12),
          expect.closeTo(-0.8427007929497149, 12),
        ]);
      });
      it('rejects int32 input to float-only ops and keeps int32 for neg/abs/sign/square', () => {
        const i = fromArray([-2, 3], undefined, 'int32');
        expect(() => be.unary.exp(i)).toThrow(/exp: int32 input \[2\] is not supported/);
        expect(be.unary.square(i).dtype).toBe('int32');
        expect(be.unary.abs(i).toArray()).toEqual([2, 3]);
      });
    });

    describe('binary and compare', () => {
      const kernels = [
        ...BINARY_OPS.map((op) => ({ op, of: (b: Backend) => b.binary[op] })),
        ...COMPARE_OPS.map((op) => ({ op, of: (b: Backend) => b.compare[op] })),
      ];
      for (const { op, of } of kernels) {
        it(`${op} matches the reference with both operands in any layout`, () => {
          fc.assert(
            fc.property(
              arrayArb(shapeArb()).chain(({ x }) => fc.record({ a: fc.constant(x), b: arrayOf(x.shape) })),
              ({ a, b }) => {
                // pow: positive bases keep results real; div: keep away from 0.
                const aa = op === 'pow' ? mapValues(a, (v) => Math.abs(v) + 0.1) : a;
                const bb = op === 'div' ? mapValues(b, (v) => (Math.abs(v) < 0.1 ? 1 : v)) : b;
                expectLike(of(be)(aa, bb), of(oracle)(f64(aa), f64(bb)), 2e-6, 1e-7);
              },
            ),
            RUNS,
          );
        });
      }
      it('rejects unequal shapes and dtypes naming the kernel and the shapes', () => {
        expect(() => be.binary.add(zeros([2, 3]), zeros([4, 3]))).toThrow(
          'add: shapes [2, 3] and [4, 3] must be equal (broadcast with expand first)',
        );
        expect(() => be.compare.lt(zeros([2]), zeros([2], 'float64'))).toThrow(
          /lt: dtypes float32 and float64/,
        );
      });
      it('pow of a negative base and a non-integer exponent is NaN', () => {
        expect(be.binary.pow(fromArray([-2]), fromArray([0.5])).item()).toBeNaN();
      });
    });

    describe('matmul', () => {
      it('matches the reference with broadcast batches and transposed / sliced / offset operands', () => {
        fc.assert(
          fc.property(
            fc
              .record({
                batchA: shapeArb(0, 2, 3),
                batchB: shapeArb(0, 2, 3),
                m: fc.integer({ min: 0, max: 9 }),
                k: fc.integer({ min: 0, max: 9 }),
                n: fc.integer({ min: 0, max: 9 }),
              })
              .map(({ batchA, batchB, m, k, n }) => {
                // Make the batch dims broadcast-compatible: where they clash, use 1 on B's side.
                const r = Math.min(batchA.length, batchB.length);
                const bB = batchB.map((d, i) => {
                  const ai = batchA.length - batchB.length + i;
                  return i >= batchB.length - r && batchA[ai] !== d && batchA[ai] !== 1 ? 1 : d;
                });
                return { sa: [...batchA, m, k], sb: [...bB, k, n] };
              })
              .chain(({ sa, sb }) => fc.record({ a: arrayOf(sa), b: arrayOf(sb) })),
            ({ a, b }) => {
              const want = oracle.matmul(f64(a), f64(b));
              const tol = tolerances(oracle.matmul(abs64(a), abs64(b)), 1e-6, 1e-7);
              expectLike(be.matmul(a, b), want, 1e-6, tol);
            },
          ),
          RUNS,
        );
      });
      it('handles sizes that exercise blocking (odd edges, K > block, N > column block)', () => {
        for (const [m, k, n] of [
          [67, 300, 13],
          [5, 513, 66],
          [9, 270, 530],
        ]) {
          const a = layoutArray(
            Array.from({ length: 97 }, (_, i) => ((i * 37) % 11) - 5),
            [k, m],
            'dense',
          ).transpose();
          const b = layoutArray(
            Array.from({ length: 89 }, (_, i) => ((i * 13) % 7) - 3),
            [k, n],
            'strided',
            'float32',
            1,
          );
          expectLike(be.matmul(a, b), oracle.matmul(f64(a), f64(b)), 0, 1e-3);
        }
      });
      it('gives the same output shape from operands broadcast either way, one call after the other', () => {
        // (2,3,9,9) @ (9,2) and (9,9) @ (2,3,9,2) share M, K, N and the output size but not the operands'
        // lengths: a backend that caches compiled kernels must not key them by output alone.
        const values = Array.from({ length: 61 }, (_, i) => ((i * 29) % 13) - 6);
        for (const [sa, sb] of [
          [
            [2, 3, 9, 9],
            [9, 2],
          ],
          [
            [9, 9],
            [2, 3, 9, 2],
          ],
          [
            [2, 3, 9, 9],
            [2, 3, 9, 2],
          ],
        ]) {
          const a = layoutArray(values, sa, 'dense');
          const b = layoutArray(values, sb, 'dense');
          expectLike(be.matmul(a, b), oracle.matmul(f64(a), f64(b)), 1e-6, 1e-4);
        }
      });
      it('rejects mismatched inner dims and incompatible batches', () => {
        expect(() => be.matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
          'matmul: shapes [2, 3] and [4, 5] do not match: inner dims 3 vs 4',
        );
        expect(() => be.matmul(zeros([2, 1, 3]), zeros([3, 3, 1]))).toThrow(
          /matmul: shapes \[2\] and \[3\] are incompatible at dim 0 \(2 vs 3\)/,
        );
      });
    });

    describe('copy, cast, where, concat, pad', () => {
      it('copy and cast produce dense arrays with the same logical values', () => {
        fc.assert(
          fc.property(arrayArb(shapeArb()), ({ x }) => {
            const want = oracle.copy(x);
            expectLike(be.copy(x), want, 0, 0);
            const c = be.cast(x, 'float64');
            expect(c.dtype).toBe('float64');
            expectLike(c, want, 0, 0);
            expectLike(be.cast(x, 'int32'), oracle.cast(x, 'int32'), 0, 0);
          }),
          RUNS,
        );
      });
      it('copy does not share storage with its input', () => {
        const x = fromArray([1, 2, 3]);
        const y = be.copy(x);
        x.data[0] = 9;
        expect(y.toArray()).toEqual([1, 2, 3]);
      });
      it('where selects a where cond != 0', () => {
        fc.assert(
          fc.property(
            arrayArb(shapeArb()).chain(({ x }) =>
              fc.record({
                a: fc.constant(x),
                b: arrayOf(x.shape),
                c: arrayOf(x.shape, 1).map((c) => mapValues(c, Math.round)),
              }),
            ),
            ({ a, b, c }) => {
              expectLike(be.where(c, a, b), oracle.where(c, f64(a), f64(b)), 0, 0);
            },
          ),
          RUNS,
        );
        expect(() => be.where(zeros([2]), zeros([3]), zeros([3]))).toThrow(
          'where: shapes [2] and [3] must be equal',
        );
      });
      it('concat along any axis matches the reference', () => {
        fc.assert(
          fc.property(
            shapeArb(1, 3, 3)
              .chain((s) =>
                fc.record({
                  axis: fc.integer({ min: 0, max: s.length - 1 }),
                  sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
                  s: fc.constant(s),
                }),
              )
              .chain(({ axis, sizes, s }) =>
                fc.record({
                  axis: fc.constant(axis),
                  xs: fc.tuple(...sizes.map((n) => arrayOf(s.map((d, i) => (i === axis ? n : d))))),
                }),
              ),
            ({ axis, xs }) => {
              expectLike(be.concat(xs, axis), oracle.concat(xs.map(f64), axis), 0, 0);
            },
          ),
          RUNS,
        );
        expect(() => be.concat([zeros([2, 3]), zeros([3, 3])], 1)).toThrow(
          'concat: shapes [2, 3], [3, 3] differ outside axis 1',
        );
      });
      it('pad matches the reference and validates its pairs', () => {
        fc.assert(
          fc.property(
            arrayArb(shapeArb(0, 3)).chain(({ x }) =>
              fc.record({
                x: fc.constant(x),
                pads: fc.tuple(...x.shape.map(() => fc.tuple(fc.nat(2), fc.nat(2)))),
                // 0 and -0 included: 0 (a slice's backward) lets the CPU backend skip its fill.
                value: fc.oneof(valueArb(), fc.constantFrom(0, -0)),
              }),
            ),
            ({ x, pads, value }) => {
              expectLike(be.pad(x, pads, value), oracle.pad(f64(x), pads, value), 0, 0);
            },
          ),
          RUNS,
        );
        expect(() =>
          be.pad(
            zeros([2]),
            [
              [1, 1],
              [0, 0],
            ],
            0,
          ),
        ).toThrow('pad: 2 [before, after] pairs for a tensor of shape [2]');
        expect(() => be.pad(zeros([2]), [[-1, 0]], 0)).toThrow(
          'pad: padding [-1, 0] at dim 0 of shape [2] must be non-negative integers',
        );
      });
    });

    describeReductions(be);
    describeIndexOps(be);
    describeNormalization(be);
    describeLayers(be);
    describeAttention(be);
  });
}
