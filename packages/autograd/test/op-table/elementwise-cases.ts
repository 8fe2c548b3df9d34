/** Op-table rows for element-wise ops: every unary op, every binary op (broadcasting) and the comparisons. */

import {
  BINARY_FORMULAS,
  type BinaryOp,
  COMPARE_FORMULAS,
  type CompareOp,
  UNARY_FORMULAS,
  type UnaryOp,
} from '@gqa-lab/tensor';
import fc from 'fast-check';
import * as T from '../../src/index';
import { apart, arr, broadcastPair, broadcastRef, draw, mapValues, small } from './inputs';
import type { OpCase } from './types';

const UNARY: Record<UnaryOp, (x: T.Tensor) => T.Tensor> = {
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

function unaryCase(name: UnaryOp, lo: number, hi: number, gap = 0, noGrad = false): OpCase {
  return {
    name,
    inputs: draw(
      small.map((s) => [s]),
      lo,
      hi,
      gap,
    ),
    run: (_d, x) => UNARY[name](x),
    reference: (_d, x) => mapValues(x, UNARY_FORMULAS[name]),
    noGrad,
  };
}

const BINARY: Record<BinaryOp | CompareOp, (a: T.Tensor, b: T.Tensor) => T.Tensor> = {
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

/** The reference formula of every two-operand op. */
const PAIR_FORMULAS = { ...BINARY_FORMULAS, ...COMPARE_FORMULAS };

function binaryCase(
  name: BinaryOp | CompareOp,
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
    reference: (_d, a, b) => broadcastRef(a, b, PAIR_FORMULAS[name]),
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

/** Rows for every unary and binary op. */
export const ELEMENTWISE_CASES: OpCase[] = [
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
];
