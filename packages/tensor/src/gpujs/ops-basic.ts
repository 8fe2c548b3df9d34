/** GPU versions of the element-wise, reduction and matmul kernels, each falling back to the CPU kernel. */
import type { Backend, BinaryOp, CompareOp, ReduceOp, UnaryOp } from '../backend';
import type { NDArray } from '../ndarray';
import { reducedShape, shapesEqual, sizeOf } from '../shape';
import type { Dispatcher } from './dispatch';
import { singleStep } from './program';

export function gpuUnary(d: Dispatcher, cpu: Backend, op: UnaryOp, x: NDArray): NDArray {
  const where = d.place(op, [x], x.size);
  if (where) {
    d.countCpu(op, where);
    return cpu.unary[op](x);
  }
  const [out] = d.run(singleStep(`unary.${op}`, [d.input(x)], x.size), [x.shape]);
  d.countGpu(op);
  return out;
}

export function gpuBinary(
  d: Dispatcher,
  group: 'binary' | 'compare',
  op: BinaryOp | CompareOp,
  a: NDArray,
  b: NDArray,
  cpuKernel: (a: NDArray, b: NDArray) => NDArray,
): NDArray {
  const where = shapesEqual(a.shape, b.shape) ? d.place(op, [a, b], a.size) : 'invalid';
  if (where) {
    d.countCpu(op, where);
    return cpuKernel(a, b);
  }
  const kernel = `${group}.${op}` as `binary.${BinaryOp}`;
  const [out] = d.run(singleStep(kernel, [d.input(a), d.input(b)], a.size), [a.shape]);
  d.countGpu(op);
  return out;
}

const ROW_REDUCER = { sum: 'rowSum', mean: 'rowMean', max: 'rowMax', min: 'rowMin' } as const;

/** Reduction: the reduced axes are permuted last, so each output is one row of a dense (R, L) array. */
export function gpuReduce(
  d: Dispatcher,
  cpu: Backend,
  op: ReduceOp,
  x: NDArray,
  axes: readonly number[],
  keepdims: boolean,
): NDArray {
  const outShape = reducedShape(x.shape, axes, keepdims);
  const L = sizeOf(axes.map((a) => x.shape[a]));
  const where = axes.length === 0 ? 'cpu-only' : d.place(op, [x], sizeOf(outShape) * L);
  if (where) {
    d.countCpu(op, where);
    return cpu.reduce[op](x, axes, keepdims);
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const rows = x.permute([...kept, ...axes]);
  const R = x.size / L;
  const [out] = d.run(singleStep(ROW_REDUCER[op], [d.input(rows)], R, { L }), [outShape]);
  d.countGpu(op);
  return out;
}

/** Element offsets of each output batch into a and b (broadcast dims of size 1 repeat offset 0). */
function batchOffsets(batch: readonly number[], own: readonly number[], matrixSize: number): Float32Array {
  const n = sizeOf(batch);
  const out = new Float32Array(n);
  const pad = batch.length - own.length;
  for (let i = 0; i < n; i++) {
    let rest = i;
    let off = 0;
    let stride = matrixSize;
    for (let dim = batch.length - 1; dim >= 0; dim--) {
      const idx = rest % batch[dim];
      rest = Math.floor(rest / batch[dim]);
      const size = dim >= pad ? own[dim - pad] : 1;
      if (size !== 1) off += idx * stride;
      stride *= size;
    }
    out[i] = off;
  }
  return out;
}

/** The broadcast batch shape, or null when the operands do not fit (the CPU kernel then throws). */
function matmulBatch(a: NDArray, b: NDArray): number[] | null {
  if (a.rank < 2 || b.rank < 2 || a.shape[a.rank - 1] !== b.shape[b.rank - 2]) return null;
  const ba = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = ba[ba.length - rank + i] ?? 1;
    const y = bb[bb.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Batched matmul (..., M, K) @ (..., K, N): one thread per output element, batch offsets as inputs. */
export function gpuMatmul(d: Dispatcher, cpu: Backend, a: NDArray, b: NDArray): NDArray {
  const batch = a.dtype === b.dtype ? matmulBatch(a, b) : null;
  const M = a.shape[a.rank - 2];
  const K = a.shape[a.rank - 1];
  const N = b.shape[b.rank - 1];
  const size = batch ? sizeOf(batch) * M * N : 0;
  const where = batch ? (K === 0 ? 'empty' : d.place('matmul', [a, b], size)) : 'invalid';
  if (where || !batch) {
    d.countCpu('matmul', where ?? 'invalid');
    return cpu.matmul(a, b);
  }
  const aOff = batchOffsets(batch, a.shape.slice(0, -2), M * K);
  const bOff = batchOffsets(batch, b.shape.slice(0, -2), K * N);
  const program = singleStep('matmul', [d.input(a), d.input(b), aOff, bOff], size, { M, K, N });
  const [out] = d.run(program, [[...batch, M, N]]);
  d.countGpu('matmul');
  return out;
}
