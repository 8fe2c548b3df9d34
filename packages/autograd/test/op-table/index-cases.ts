/** Op-table rows for index ops: gather, indexSelect, where, scatterAdd and indexAdd. */
import { elements, NDArray } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { shapeArb } from '../../../../testing/arrays';
import * as T from '../../src/index';
import { arr, gatherIndex, maskFor } from './inputs';
import type { OpCase } from './types';

/** Rows for the ops that pick or scatter by integer index. */
export const INDEX_CASES: OpCase[] = [
  {
    name: 'gather',
    inputs: fc
      .tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(99), { minLength: 12, maxLength: 12 }),
      )
      .chain(([r, c, picks]) =>
        fc.record({ arrays: fc.tuple(arr([r, c])), ints: fc.constant([r, c, ...picks]) }),
      ),
    run: (d, x) => T.gather(x, 1, NDArray.of(gatherIndex(d), [d.ints[0], 2])),
    reference: (d, x) => {
      const idx = gatherIndex(d);
      const r = d.ints[0];
      return {
        shape: [r, 2],
        values: Array.from({ length: r * 2 }, (_, k) => x.get(Math.floor(k / 2), idx[k])),
      };
    },
    errors: [
      {
        call: () => T.gather(T.zeros([2, 3]), 1, NDArray.of(Int32Array.from([0, 3]), [2, 1])),
        message: /gather.*3.*3/,
      },
    ],
  },
  {
    name: 'indexSelect',
    inputs: fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.array(fc.nat(99), { minLength: 0, maxLength: 5 }))
      .chain(([n, picks]) => fc.record({ arrays: fc.tuple(arr([n, 2])), ints: fc.constant([n, ...picks]) })),
    run: (d, x) =>
      T.indexSelect(
        x,
        0,
        d.ints.slice(1).map((p) => p % d.ints[0]),
      ),
    errors: [
      {
        call: () => T.indexSelect(T.zeros([2, 3]), 0, [2]),
        message: /^indexSelect: index 2 is out of range for axis 0 of size 2$/,
      },
    ],
    reference: (d, x) => {
      const picks = d.ints.slice(1).map((p) => p % d.ints[0]);
      return { shape: [picks.length, 2], values: picks.flatMap((p) => [x.get(p, 0), x.get(p, 1)]) };
    },
  },
  {
    name: 'where',
    inputs: fc
      .tuple(shapeArb(0, 3, 3), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }))
      .chain(([s, mask]) =>
        fc.record({ arrays: fc.tuple(arr(s), arr(s)), ints: fc.constant(mask.map(Number)) }),
      ),
    run: (d, a, b) => T.where(maskFor(d, a.shape), a, b),
    errors: [
      {
        call: () => T.where(T.zeros([3]), T.zeros([2]), 0),
        message: /^where: shapes \[3\] and \[2\] are incompatible at dim 0 \(3 vs 2\)$/,
      },
    ],
    reference: (d, a, b) => {
      const m = elements(maskFor(d, a.shape));
      const av = elements(a);
      const bv = elements(b);
      return { shape: [...a.shape], values: av.map((v, i) => (m[i] ? v : bv[i])) };
    },
  },
  {
    name: 'scatterAdd+indexAdd',
    inputs: fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.nat(99), { minLength: 6, maxLength: 6 }))
      .chain(([n, picks]) => fc.record({ arrays: fc.tuple(arr([2, 3])), ints: fc.constant([n, ...picks]) })),
    // scatterAdd rows of src into n rows along axis 0; then indexAdd those rows into 2 slots.
    run: (d, x) => {
      const n = d.ints[0];
      const idx = NDArray.of(
        Int32Array.from(d.ints.slice(1), (p) => p % n),
        [2, 3],
      );
      const scattered = T.scatterAdd([n, 3], 0, idx, x);
      return T.indexAdd(
        [2, 3],
        0,
        Int32Array.from({ length: n }, (_, i) => i % 2),
        scattered,
      );
    },
    reference: (d, x) => {
      const n = d.ints[0];
      const out = new Array<number>(6).fill(0);
      d.ints.slice(1).forEach((p, k) => {
        const row = (p % n) % 2;
        out[row * 3 + (k % 3)] += x.get(Math.floor(k / 3), k % 3);
      });
      return { shape: [2, 3], values: out };
    },
  },
];
