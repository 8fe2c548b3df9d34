/** The kernel tables of the gpu.js backend, built from the op-name lists so none can be missing. */
import { type Backend, BINARY_OPS, COMPARE_OPS, REDUCE_OPS, UNARY_OPS } from '../backend';
import { kernelTable } from '../kernel-table';
import type { NDArray } from '../ndarray';
import type { Dispatcher } from './dispatch';
import type { gpuBinary, gpuReduce, gpuUnary } from './ops-basic';

type Tables = Pick<Backend, 'unary' | 'binary' | 'compare' | 'reduce'>;

/** Wraps each op in its GPU-or-CPU dispatcher; the CPU backend's ops are the fallback kernels. */
export function makeTables(
  d: Dispatcher,
  cpu: Backend,
  unary: typeof gpuUnary,
  binary: typeof gpuBinary,
  reduce: typeof gpuReduce,
): Tables {
  return {
    unary: kernelTable(UNARY_OPS, (op) => (x: NDArray) => unary(d, cpu, op, x)),
    binary: kernelTable(
      BINARY_OPS,
      (op) => (x: NDArray, y: NDArray) => binary(d, 'binary', op, x, y, cpu.binary[op]),
    ),
    compare: kernelTable(
      COMPARE_OPS,
      (op) => (x: NDArray, y: NDArray) => binary(d, 'compare', op, x, y, cpu.compare[op]),
    ),
    reduce: kernelTable(
      REDUCE_OPS,
      (op) => (x: NDArray, axes: readonly number[], keepdims: boolean) =>
        reduce(d, cpu, op, x, axes, keepdims),
    ),
  };
}
