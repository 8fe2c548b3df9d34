import { elements, flatIndex, indices } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { shapeArb } from '../../../../testing/arrays';
import * as T from '../../src/index';
import { arr, draw, maskFor, small } from './inputs';
import type { OpCase } from './types';

/** Rows for views and copies that move data. */
export const SHAPE_CASES: OpCase[] = [
  {
    name: 'reshape+permute+slice',
    inputs: draw(fc.constant([[2, 3, 4]])),
    run: (_d, x) => T.slice(T.permute(T.reshape(x, [4, 3, 2]), [2, 0, 1]), [{ start: 1 }, { step: 2 }]),
    reference: (_d, x) => {
      const flat = elements(x);
      const shape = [1, 2, 3];
      const values = indices(shape).map(([i, j, k]) => flat[flatIndex([4, 3, 2], [j * 2, k, i + 1])]);
      return { shape, values };
    },
    errors: [
      {
        call: () => T.reshape(T.zeros([2, 3]), [4]),
        message: /^reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4\]/,
      },
    ],
  },
  {
    name: 'pad',
    inputs: draw(
      small.map((s) => [s]),
      -2,
      2,
      0,
      fc.tuple(fc.nat(2), fc.nat(2)),
    ),
    run: (d, x) =>
      T.pad(
        x,
        x.shape.map(() => [d.ints[0], d.ints[1]] as const),
        0.5,
      ),
    errors: [
      {
        call: () => T.pad(T.zeros([2]), [[-1, 0]]),
        message: /^pad: padding \[-1, 0\] at dim 0 of shape \[2\] must be non-negative integers$/,
      },
    ],
    reference: (d, x) => {
      const shape = x.shape.map((n) => n + d.ints[0] + d.ints[1]);
      const values = indices(shape).map((idx) => {
        const src = idx.map((v) => v - d.ints[0]);
        return src.every((v, i) => v >= 0 && v < x.shape[i]) ? x.get(...src) : 0.5;
      });
      return { shape, values };
    },
  },
  {
    name: 'concat',
    inputs: fc.tuple(shapeArb(1, 3, 3), fc.nat(2), fc.nat(3)).chain(([s, ax, extra]) => {
      const axis = ax % s.length;
      const s2 = s.map((d, i) => (i === axis ? extra : d));
      return fc.record({ arrays: fc.tuple(arr(s), arr(s2)), ints: fc.constant([axis]) });
    }),
    run: (d, a, b) => T.concat([a, b], d.ints[0]),
    errors: [
      {
        call: () => T.concat([T.zeros([2, 3]), T.zeros([2, 4])], 0),
        message: /^concat: shapes \[2, 3\], \[2, 4\] differ outside axis 0$/,
      },
    ],
    reference: (d, a, b) => {
      const axis = d.ints[0];
      const shape = a.shape.map((n, i) => (i === axis ? n + b.shape[axis] : n));
      const values = indices(shape).map((idx) =>
        idx[axis] < a.shape[axis]
          ? a.get(...idx)
          : b.get(...idx.map((v, i) => (i === axis ? v - a.shape[axis] : v))),
      );
      return { shape, values };
    },
  },
  {
    name: 'split+stack',
    inputs: fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }))
      .chain(([n, c]) => fc.record({ arrays: fc.tuple(arr([n, c])), ints: fc.constant([n, c]) })),
    // Split rows into pieces of 2, reverse their order, stack the first rows of each piece along a new axis 1.
    run: (_d, x) =>
      T.stack(
        T.split(x, 2, 0)
          .reverse()
          .map((p) => T.squeeze(T.slice(p, [{ stop: 1 }]), [0])),
        1,
      ),
    reference: (d, x) => {
      const [n, c] = d.ints;
      const starts = Array.from({ length: Math.ceil(n / 2) }, (_, i) => i * 2).reverse();
      const values: number[] = [];
      for (let j = 0; j < c; j++) for (const s0 of starts) values.push(x.get(s0, j));
      return { shape: [c, starts.length], values };
    },
    errors: [
      {
        call: () => T.split(T.zeros([5]), [2, 2]),
        message: /^split: sizes \[2, 2\] sum to 4, but dim 0 is 5$/,
      },
    ],
  },
  {
    name: 'chunk',
    inputs: draw(fc.constant([[5, 2]])),
    run: (_d, x) =>
      T.concat(
        T.chunk(x, 3, 0).map((p) => T.mul(p, T.sum(p))),
        0,
      ),
    reference: (_d, x) => {
      const rows = elements(x);
      const pieces = [[0, 1], [2, 3], [4]];
      const values: number[] = [];
      for (const p of pieces) {
        const total = p.reduce((acc, r) => acc + rows[2 * r] + rows[2 * r + 1], 0);
        for (const r of p) values.push(rows[2 * r] * total, rows[2 * r + 1] * total);
      }
      return { shape: [5, 2], values };
    },
  },
  {
    name: 'maskedFill+transpose+expand',
    inputs: fc
      .tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
      )
      .chain(([m, n, mask]) =>
        fc.record({ arrays: fc.tuple(arr([m, 1])), ints: fc.constant([m, n, ...mask.map(Number)]) }),
      ),
    run: (d, x) =>
      T.maskedFill(
        T.transpose(T.expand(x, [d.ints[0], d.ints[1]])),
        maskFor({ arrays: [], ints: d.ints.slice(2) }, [d.ints[1], d.ints[0]]),
        -7,
      ),
    reference: (d, x) => {
      const [m, n] = d.ints;
      const mask = d.ints.slice(2);
      const values = indices([n, m]).map(([, j], k) => (mask[k % mask.length] ? -7 : x.get(j, 0)));
      return { shape: [n, m], values };
    },
  },
];
