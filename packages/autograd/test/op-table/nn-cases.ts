/** Op-table rows for matmul and the neural-network functions: gelu (and its second derivative), linear, layerNorm, clamp. */

import { elements, geluDerivative, geluFormula, referenceBackend } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { shapeArb } from '../../../../testing/arrays';
import * as T from '../../src/index';
import { arr, draw, mapValues, small, sumOf } from './inputs';
import type { OpCase } from './types';

/** Rows for matrix products and the layers' building blocks. */
export const NN_CASES: OpCase[] = [
  {
    name: 'matmul',
    inputs: fc
      .tuple(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        shapeArb(0, 2, 2),
        fc.boolean(),
      )
      .chain(([m, k, n, batch, bcast]) =>
        fc.record({
          arrays: fc.tuple(arr([...batch, m, k]), arr([...(bcast ? [] : batch), k, n])),
          ints: fc.constant([]),
        }),
      ),
    run: (_d, a, b) => T.matmul(a, b),
    reference: (_d, a, b) => {
      const y = referenceBackend.matmul(a, b);
      return { shape: [...y.shape], values: elements(y) };
    },
    errors: [
      {
        call: () => T.matmul(T.zeros([2, 3]), T.zeros([4, 5])),
        message: /^matmul: shapes \[2, 3\] and \[4, 5\] are incompatible: inner dims 3 vs 4$/,
      },
    ],
  },
  {
    name: 'gelu',
    inputs: draw(
      small.map((s) => [s]),
      -3,
      3,
    ),
    run: (_d, x) => T.gelu(x),
    reference: (_d, x) => mapValues(x, (v) => geluFormula(v, 'none')),
  },
  {
    name: 'gelu(tanh)',
    inputs: draw(
      small.map((s) => [s]),
      -3,
      3,
    ),
    run: (_d, x) => T.gelu(x, 'tanh'),
    reference: (_d, x) => mapValues(x, (v) => geluFormula(v, 'tanh')),
  },
  {
    // The fused Linear primitive: x (..., in) W^T + b, bias optional (ints[0] = 1 means a bias).
    name: 'linear',
    inputs: fc
      .tuple(shapeArb(0, 2, 3), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.nat(1))
      .chain(([lead, inF, outF, withBias]) =>
        fc.record({
          arrays: fc.tuple(arr([...lead, inF]), arr([outF, inF]), arr([outF])),
          ints: fc.constant([withBias]),
        }),
      ),
    run: (d, x, w, b) => T.linear(x, w, d.ints[0] === 1 ? b : null),
    reference: (d, x, w, b) => {
      const inF = w.shape[1];
      const outF = w.shape[0];
      const xv = elements(x);
      const wv = elements(w);
      const bv = elements(b);
      const values: number[] = [];
      for (let r = 0; r < xv.length / inF; r++) {
        for (let o = 0; o < outF; o++) {
          let s = d.ints[0] === 1 ? bv[o] : 0;
          for (let k = 0; k < inF; k++) s += xv[r * inF + k] * wv[o * inF + k];
          values.push(s);
        }
      }
      return { shape: [...x.shape.slice(0, -1), outF], values };
    },
    errors: [
      {
        call: () => T.linear(T.zeros([2, 3]), T.zeros([4, 5])),
        message: /^linear: x \[2, 3\] does not match weight \[4, 5\]: in features 3 vs 5$/,
      },
      {
        call: () => T.linear(T.zeros([2, 3]), T.zeros([4, 3]), T.zeros([3])),
        message: /^linear: bias \[3\] must be \[4\] for weight \[4, 3\]$/,
      },
    ],
  },
  ...(['none', 'tanh'] as const).map(
    (approximate): OpCase => ({
      // d/dx of sum(gelu(x) * w), recorded (createGraph): its gradcheck checks gelu's second derivative.
      name: `gelu'(${approximate}) via grad`,
      inputs: draw(
        small.map((s) => [s, s]),
        -3,
        3,
      ),
      run: (_d, x, w) =>
        T.withGradMode(true, () => {
          // Under the forward checks x is a constant: differentiate a leaf over the same data instead.
          const leaf = x.requiresGrad ? x : new T.Tensor(x.data, true);
          return T.grad(T.sum(T.mul(T.gelu(leaf, approximate), w)), [leaf], { createGraph: true })[0];
        }),
      reference: (_d, x, w) => {
        const wv = elements(w);
        const values = elements(x).map((v, i) => wv[i] * geluDerivative(v, approximate));
        return { shape: [...x.shape], values };
      },
    }),
  ),
  {
    name: 'layerNorm',
    inputs: fc
      .tuple(shapeArb(0, 2, 3, 1), fc.integer({ min: 2, max: 5 }))
      .chain(([lead, c]) =>
        fc.record({ arrays: fc.tuple(arr([...lead, c]), arr([c]), arr([c])), ints: fc.constant([]) }),
      ),
    run: (_d, x, w, b) => T.layerNorm(x, w, b, 1e-5),
    errors: [
      {
        call: () => T.layerNorm(T.zeros([2, 3]), T.zeros([4])),
        message: /^layerNorm: weight \[4\] does not match the last dim of x \[2, 3\]$/,
      },
    ],
    reference: (_d, x, w, b) => {
      const c = x.shape[x.rank - 1];
      const flat = elements(x);
      const wv = elements(w);
      const bv = elements(b);
      const values: number[] = [];
      for (let r = 0; r < flat.length / c; r++) {
        const row = flat.slice(r * c, r * c + c);
        const m = sumOf(row) / c;
        const v = sumOf(row.map((u) => (u - m) ** 2)) / c;
        for (const [j, u] of row.entries()) values.push(((u - m) / Math.sqrt(v + 1e-5)) * wv[j] + bv[j]);
      }
      return { shape: [...x.shape], values };
    },
  },
  {
    name: 'clamp',
    inputs: draw(
      small.map((s) => [s]),
      -2,
      2,
      0,
    ),
    run: (_d, x) => T.clamp(x, -0.5, 0.7),
    reference: (_d, x) => mapValues(x, (v) => Math.min(Math.max(v, -0.5), 0.7)),
  },
];
