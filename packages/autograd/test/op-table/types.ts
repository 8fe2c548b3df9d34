/** The shape of one row of the op table (PyTorch OpInfo style) and of the inputs it draws. */
import type { NDArray } from '@gqa-lab/tensor';
import type fc from 'fast-check';
import type * as T from '../../src/index';

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
