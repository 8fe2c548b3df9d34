/**
 * One table of op cases in the style of PyTorch's OpInfo / tinygrad's helper_test_op. Each row says how
 * to draw inputs (fast-check: shapes with size-0 / size-1 dims, values, non-contiguous layouts), how to run
 * the op on tensors, a plain float64 reference computed independently from the kernels, and error
 * inputs with their expected messages. op-table.test.ts runs every row three ways.
 */
import { ATTENTION_CASES } from './attention-cases';
import { ELEMENTWISE_CASES } from './elementwise-cases';
import { INDEX_CASES } from './index-cases';
import { NN_CASES } from './nn-cases';
import { REDUCE_CASES } from './reduce-cases';
import { SHAPE_CASES } from './shape-cases';
import type { OpCase } from './types';

export type { Draw, OpCase, RefResult } from './types';

export const OP_CASES: OpCase[] = [
  ...ELEMENTWISE_CASES,
  ...REDUCE_CASES,
  ...SHAPE_CASES,
  ...INDEX_CASES,
  ...NN_CASES,
  ...ATTENTION_CASES,
];
