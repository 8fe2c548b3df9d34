/**
 * One table of op cases in the style of PyTorch's OpInfo / tinygrad's helper_test_op. Each row says how
 * to draw inputs (fast-check: shapes with size-0 / size-1 dims, values, non-contiguous layouts), how to run
 * the op on tensors, a plain float64 reference computed independently from the kernels, and error
 * inputs with their expected messages. op-table.test.ts runs every row three ways.
 */

import { broadcastShapes, NDArray, reducedShape } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { LAYOUTS, type Layout, layoutArray, shapeArb } from '../../tensor/test/arrays';
import {
  elements,
  flatIndex,
  indices,
  refBinary,
  refErf,
  refMatmul,
  refUnary,
} from '../../tensor/test/reference';
import * as T from '../src/index';

export interface RefResult {
  shape: number[];
  values: number[];
}

export interface OpCase {
  name: string;
  /** Inputs as float64 arrays (any layout) plus op attributes. */
  inputs: fc.Arbitrary<Draw>;
  run: (d: Draw, ...xs: T.Tensor[]) => T.Tensor;
  reference: (d: Draw, ...xs: NDArray[]) => RefResult;
  /** Skip the gradient check (non-differentiable ops). */
  noGrad?: boolean;
  /** Calls that must throw, with the message they must match. */
  errors?: { call: () => unknown; message: RegExp }[];
}

/** Input arrays plus integer attributes drawn alongside them. */
export interface Draw {
  arrays: NDArray[];
  ints: number[];
}

const layoutArb = fc.constantFrom<Layout>(...LAYOUTS.filter((l) => l !== 'expanded'));

/**
 * `n` values in [lo, hi], pushed at least `gap` away from 0 (so finite differences stay on one side of
 * a kink); `distinct` adds a small per-element offset so extremes are unique (no ties).
 */
function valuesArb(
  n: number,
  lo: number,
  hi: number,
  gap: number,
  distinct: boolean,
): fc.Arbitrary<number[]> {
  return fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: n, maxLength: n }).map((vs) =>
    vs.map((v, i) => {
      const w = gap > 0 && Math.abs(v) < gap ? (v < 0 ? -gap : gap) : v;
      return distinct ? w + i * 0.0137 : w;
    }),
  );
}

function arr(shape: readonly number[], lo = -2, hi = 2, gap = 0, distinct = false): fc.Arbitrary<NDArray> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc
    .tuple(valuesArb(n, lo, hi, gap, distinct), layoutArb, fc.nat(3))
    .map(([v, layout, k]) => layoutArray(v, shape, layout, 'float64', k));
}

function draw(
  shapes: fc.Arbitrary<number[][]>,
  lo = -2,
  hi = 2,
  gap = 0,
  ints: fc.Arbitrary<number[]> = fc.constant([]),
) {
  return shapes.chain((ss) =>
    fc.record({ arrays: fc.tuple(...ss.map((s) => arr(s, lo, hi, gap))), ints }),
  ) as fc.Arbitrary<Draw>;
}

const small = shapeArb(0, 3, 3);
const nonEmpty = shapeArb(1, 3, 3, 1);

/** Two shapes that broadcast: drop / set-to-1 some dims of a base shape for each side. */
const broadcastPair: fc.Arbitrary<number[][]> = fc
  .tuple(shapeArb(0, 3, 3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.nat(2))
  .map(([s, ones, drop]) => {
    const b = s.map((d, i) => (ones[i] ? 1 : d)).slice(Math.min(drop, s.length));
    return [s, b];
  });

function mapValues(x: NDArray, f: (v: number) => number): RefResult {
  return { shape: [...x.shape], values: elements(x).map(f) };
}

function broadcastRef(a: NDArray, b: NDArray, f: (x: number, y: number) => number): RefResult {
  const shape = broadcastShapes('ref', a.shape, b.shape);
  const at = (x: NDArray, idx: number[]) => {
    const lead = idx.length - x.rank;
    return x.get(...x.shape.map((d, i) => (d === 1 ? 0 : idx[i + lead])));
  };
  return { shape, values: indices(shape).map((idx) => f(at(a, idx), at(b, idx))) };
}

const UNARY: Record<string, (x: T.Tensor) => T.Tensor> = {
  neg: T.neg,
  abs: T.abs,
  exp: T.exp,
  log: T.log,
  sqrt: T.sqrt,
  rsqrt: T.rsqrt,
  sin: T.sin,
  cos: T.cos,
  tanh: T.tanh,
  sigmoid: T.sigmoid,
  relu: T.relu,
  erf: T.erf,
  sign: T.sign,
  square: T.square,
  reciprocal: T.reciprocal,
};

function unaryCase(name: string, lo: number, hi: number, gap = 0, noGrad = false): OpCase {
  return {
    name,
    inputs: draw(
      small.map((s) => [s]),
      lo,
      hi,
      gap,
    ),
    run: (_d, x) => UNARY[name](x),
    reference: (_d, x) => mapValues(x, refUnary[name]),
    noGrad,
  };
}

const BINARY: Record<string, (a: T.Tensor, b: T.Tensor) => T.Tensor> = {
  add: T.add,
  sub: T.sub,
  mul: T.mul,
  div: T.div,
  pow: T.pow,
  maximum: T.maximum,
  minimum: T.minimum,
  eq: T.eq,
  ne: T.ne,
  lt: T.lt,
  le: T.le,
  gt: T.gt,
  ge: T.ge,
};

/** Snaps a's values to multiples of 0.25 and b's to odd multiples of 0.125, so a and b never (nearly) tie. */
function apart(x: NDArray, shift: number): NDArray {
  const out = x.clone();
  for (let i = 0; i < out.size; i++) out.data[i] = Math.round(out.data[i] * 4) / 4 + shift;
  return out;
}

function binaryCase(
  name: string,
  lo: number,
  hi: number,
  gap = 0,
  noGrad = false,
  loB = lo,
  hiB = hi,
  noTies = false,
): OpCase {
  return {
    name,
    inputs: broadcastPair.chain(([sa, sb]) =>
      fc.record({
        arrays: fc
          .tuple(arr(sa, lo, hi, gap), arr(sb, loB, hiB, gap))
          .map(([a, b]) => (noTies ? [apart(a, 0), apart(b, 0.125)] : [a, b])),
        ints: fc.constant([]),
      }),
    ),
    run: (_d, a, b) => BINARY[name](a, b),
    reference: (_d, a, b) => broadcastRef(a, b, refBinary[name]),
    noGrad,
    errors: [
      {
        call: () => BINARY[name](T.zeros([2, 3]), T.zeros([4, 3])),
        message: new RegExp(
          `^${name}: shapes \\[2, 3\\] and \\[4, 3\\] are incompatible at dim 0 \\(2 vs 4\\)$`,
        ),
      },
    ],
  };
}

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

function axesOf(mask: number, rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i).filter((i) => (mask >> i) & 1);
}

function refReduceOver(
  x: NDArray,
  axes: number[],
  keepdims: boolean,
  f: (vs: number[]) => number,
): RefResult {
  const kept = reducedShape(x.shape, axes, true);
  const groups = new Map<number, number[]>();
  for (const idx of indices(x.shape)) {
    const key = flatIndex(
      kept,
      idx.map((v, i) => (axes.includes(i) ? 0 : v)),
    );
    const list = groups.get(key) ?? [];
    list.push(x.get(...idx));
    groups.set(key, list);
  }
  const n = kept.reduce((a, b) => a * b, 1);
  return {
    shape: reducedShape(x.shape, axes, keepdims),
    values: Array.from({ length: n }, (_, k) => f(groups.get(k) ?? [])),
  };
}

const sumOf = (vs: number[]) => vs.reduce((a, b) => a + b, 0);

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

function softmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = sumOf(e);
  return e.map((v) => v / s);
}

const lse = (row: number[]) => {
  const m = Math.max(...row);
  return m + Math.log(sumOf(row.map((v) => Math.exp(v - m))));
};

export const OP_CASES: OpCase[] = [
  unaryCase('neg', -2, 2),
  unaryCase('abs', -2, 2, 0.05),
  unaryCase('exp', -2, 2),
  unaryCase('log', 0.1, 3),
  unaryCase('sqrt', 0.1, 3),
  unaryCase('rsqrt', 0.1, 3),
  unaryCase('sin', -3, 3),
  unaryCase('cos', -3, 3),
  unaryCase('tanh', -3, 3),
  unaryCase('sigmoid', -4, 4),
  unaryCase('relu', -2, 2, 0.05),
  unaryCase('erf', -2.5, 2.5),
  unaryCase('sign', -2, 2, 0.05),
  unaryCase('square', -2, 2),
  unaryCase('reciprocal', 0.2, 3),
  binaryCase('add', -2, 2),
  binaryCase('sub', -2, 2),
  binaryCase('mul', -2, 2),
  binaryCase('div', -2, 2, 0.2),
  binaryCase('pow', 0.2, 2, 0, false, -2, 2),
  binaryCase('maximum', -2, 2, 0, false, -2, 2, true),
  binaryCase('minimum', -2, 2, 0, false, -2, 2, true),
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((n) => binaryCase(n, -2, 2, 0, true)),
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
    reference: (_d, a, b) => refMatmul(a, b),
    errors: [
      {
        call: () => T.matmul(T.zeros([2, 3]), T.zeros([4, 5])),
        message: /^matmul: shapes \[2, 3\] and \[4, 5\] are incompatible: inner dims 3 vs 4$/,
      },
    ],
  },
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
    name: 'gelu',
    inputs: draw(
      small.map((s) => [s]),
      -3,
      3,
    ),
    run: (_d, x) => T.gelu(x),
    reference: (_d, x) => mapValues(x, (v) => 0.5 * v * (1 + refErf(v / Math.SQRT2))),
  },
  {
    name: 'gelu(tanh)',
    inputs: draw(
      small.map((s) => [s]),
      -3,
      3,
    ),
    run: (_d, x) => T.gelu(x, 'tanh'),
    reference: (_d, x) =>
      mapValues(x, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))),
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
        const values = elements(x).map((v, i) => {
          if (approximate === 'none') {
            const pdf = Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
            return wv[i] * (0.5 * (1 + refErf(v / Math.SQRT2)) + v * pdf);
          }
          const c = Math.sqrt(2 / Math.PI);
          const t = Math.tanh(c * (v + 0.044715 * v ** 3));
          return wv[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v));
        });
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

function gatherIndex(d: Draw): Int32Array {
  const [r, c] = d.ints;
  return Int32Array.from({ length: r * 2 }, (_, k) => d.ints[2 + k] % c);
}

function maskFor(d: Draw, shape: readonly number[]): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return NDArray.of(
    Float64Array.from({ length: n }, (_, i) => d.ints[i % d.ints.length]),
    shape,
  );
}
