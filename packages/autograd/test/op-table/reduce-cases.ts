/** Op-table rows for reductions (any subset of axes, keepdims), variance / std and the softmax family. */
import { flatIndex, indices } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { shapeArb } from '../../../../testing/arrays';
import * as T from '../../src/index';
import { arr, axesOf, lse, nonEmpty, refReduceOver, small, softmaxRow, sumOf } from './inputs';
import type { OpCase } from './types';

/** Reduction over a random subset of axes, with keepdims drawn too. */
function reduceCase(
  name: string,
  fn: (x: T.Tensor, axes: number[], keepdims: boolean) => T.Tensor,
  ref: (vs: number[]) => number,
  shapes = small,
  opts: { distinct?: boolean; nonEmptyAxes?: boolean } = {},
): OpCase {
  return {
    name,
    inputs: shapes.chain((s) =>
      fc.record({
        arrays: fc.tuple(arr(s, -2, 2, 0, opts.distinct)),
        ints: fc
          .tuple(fc.nat(2 ** s.length - 1), fc.nat(1))
          .map(([mask, keep]) => [opts.nonEmptyAxes && mask === 0 ? 1 : mask, keep]),
      }),
    ),
    run: (d, x) => fn(x, axesOf(d.ints[0], x.rank), d.ints[1] === 1),
    reference: (d, x) => refReduceOver(x, axesOf(d.ints[0], x.rank), d.ints[1] === 1, ref),
    errors: [
      {
        call: () => fn(T.zeros([2, 3]), [2], false),
        message: /: axis 2 is out of range for a tensor of rank 2$/,
      },
      { call: () => fn(T.zeros([2, 3]), [1, -1], false), message: /: repeated axis in \[1, -1\]$/ },
    ],
  };
}

/** Softmax-like ops along one drawn axis. */
function axisCase(
  name: string,
  fn: (x: T.Tensor, axis: number) => T.Tensor,
  ref: (row: number[]) => number[],
): OpCase {
  return {
    name,
    inputs: nonEmpty.chain((s) =>
      fc.record({ arrays: fc.tuple(arr(s, -3, 3)), ints: fc.tuple(fc.nat(s.length - 1)) }),
    ),
    run: (d, x) => fn(x, d.ints[0]),
    errors: [
      {
        call: () => fn(T.zeros([2, 3]), -3),
        message: new RegExp(`^${name}: axis -3 is out of range for a tensor of rank 2$`),
      },
    ],
    reference: (d, x) => {
      const axis = d.ints[0];
      const out = new Array<number>(x.size);
      for (const idx of indices(x.shape)) {
        if (idx[axis] !== 0) continue;
        const row = Array.from({ length: x.shape[axis] }, (_, j) =>
          x.get(...idx.map((v, i) => (i === axis ? j : v))),
        );
        ref(row).forEach((v, j) => {
          out[
            flatIndex(
              x.shape,
              idx.map((u, i) => (i === axis ? j : u)),
            )
          ] = v;
        });
      }
      return { shape: [...x.shape], values: out };
    },
  };
}

/** Rows for the reductions and normalisers. */
export const REDUCE_CASES: OpCase[] = [
  reduceCase('sum', (x, a, k) => T.sum(x, a, k), sumOf),
  reduceCase(
    'mean',
    (x, a, k) => T.mean(x, a, k),
    (vs) => sumOf(vs) / vs.length,
  ),
  reduceCase(
    'max',
    (x, a, k) => T.max(x, a, k),
    (vs) => Math.max(...vs),
    shapeArb(0, 3, 3, 1),
    { distinct: true },
  ),
  reduceCase(
    'min',
    (x, a, k) => T.min(x, a, k),
    (vs) => Math.min(...vs),
    shapeArb(0, 3, 3, 1),
    { distinct: true },
  ),
  reduceCase(
    'variance',
    (x, a, k) => T.variance(x, a, { keepdims: k }),
    (vs) => {
      const m = sumOf(vs) / vs.length;
      return sumOf(vs.map((v) => (v - m) ** 2)) / (vs.length - 1);
    },
    shapeArb(1, 3, 3, 2),
    { nonEmptyAxes: true },
  ),
  axisCase('softmax', T.softmax, softmaxRow),
  axisCase('logSoftmax', T.logSoftmax, (row) => row.map((v) => v - lse(row))),
  {
    name: 'logsumexp',
    inputs: nonEmpty.chain((s) =>
      fc.record({ arrays: fc.tuple(arr(s, -3, 3)), ints: fc.tuple(fc.nat(s.length - 1), fc.nat(1)) }),
    ),
    run: (d, x) => T.logsumexp(x, d.ints[0], d.ints[1] === 1),
    reference: (d, x) => {
      const axis = d.ints[0];
      const r = refReduceOver(x, [axis], d.ints[1] === 1, lse);
      return r;
    },
  },
  {
    name: 'std',
    // Distinct values: std has a kink (NaN gradient, as in PyTorch) where all values are equal.
    inputs: shapeArb(1, 2, 4, 2).chain((s) =>
      fc.record({ arrays: fc.tuple(arr(s, -2, 2, 0, true)), ints: fc.constant([]) }),
    ),
    run: (_d, x) => T.std(x, -1, { keepdims: true }),
    reference: (_d, x) =>
      refReduceOver(x, [x.rank - 1], true, (vs) => {
        const m = sumOf(vs) / vs.length;
        return Math.sqrt(sumOf(vs.map((v) => (v - m) ** 2)) / (vs.length - 1));
      }),
  },
];
