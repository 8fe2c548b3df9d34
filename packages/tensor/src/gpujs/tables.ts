/** The kernel tables of the gpu.js backend, built from the op-name lists so none can be missing. */
import {
  type Backend,
  BINARY_OPS,
  type BinaryOp,
  COMPARE_OPS,
  type CompareOp,
  REDUCE_OPS,
  UNARY_OPS,
} from '../backend';
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
  const u = Object.fromEntries(
    UNARY_OPS.map((op) => [op, (x: NDArray) => unary(d, cpu, op, x)]),
  ) as Backend['unary'];
  const b = Object.fromEntries(
    BINARY_OPS.map((op: BinaryOp) => [
      op,
      (x: NDArray, y: NDArray) => binary(d, 'binary', op, x, y, cpu.binary[op]),
    ]),
  ) as Backend['binary'];
  const c = Object.fromEntries(
    COMPARE_OPS.map((op: CompareOp) => [
      op,
      (x: NDArray, y: NDArray) => binary(d, 'compare', op, x, y, cpu.compare[op]),
    ]),
  ) as Backend['compare'];
  const r = Object.fromEntries(
    REDUCE_OPS.map((op) => [
      op,
      (x: NDArray, axes: readonly number[], keepdims: boolean) => reduce(d, cpu, op, x, axes, keepdims),
    ]),
  ) as Backend['reduce'];
  return { unary: u, binary: b, compare: c, reduce: r };
}
