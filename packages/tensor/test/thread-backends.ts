/** CPU backends for the pool tests: one thread, and pools whose workers compute every unit, per kernel tier. */
import {
  type AttentionArgs,
  type Backend,
  createCpuBackend,
  fromArray,
  type KernelTier,
  type NDArray,
  type Rng,
  recycleStorage,
  uniform,
} from '../src/index';

/** The plain one-thread backend every pooled result is compared with. */
export const oneThreadOf = (kernels: KernelTier) =>
  createCpuBackend({ threading: { threads: 1, minMacs: 0 }, kernels });

/** Workers only (the caller takes no unit): every unit goes through the shared control block. */
export const workersOnlyOf = (kernels: KernelTier) => (threads: number) =>
  createCpuBackend({ threading: { threads, minMacs: 0, callerWorks: false }, kernels });

/** The scalar tier's backends (the tests written before the WebAssembly tier). */
export const oneThread = oneThreadOf('js');
export const workersOnly = workersOnlyOf('js');

/** Every output of a fused attention forward and its backward on `be`, as plain arrays (null where absent). */
export function attentionValues(be: Backend, args: AttentionArgs, keepWeights: boolean, dOut: NDArray) {
  const f = be.attention(args, keepWeights);
  const g = be.attentionBackward(args, f, dOut);
  return [f.out, f.lse, f.weights, g.dq, g.dk, g.dv].map((x) => (x ? Array.from(x.values()) : null));
}

/** A (T, S) attention mask of 0 / 1 with about a fifth of the positions blocked (0), drawn from `rng`. */
export function randomMask(T: number, S: number, rng: Rng): NDArray {
  const allowed = uniform([T, S], 0, 1, rng)
    .values()
    .map((x) => (x < 0.2 ? 0 : 1));
  return fromArray(allowed, [T, S]);
}

/** Stocks the storage pool with `copies` NaN-filled shared float32 arrays of each length (stale results). */
export function stockPoolWithNaN(lengths: readonly number[], copies: number): void {
  for (const n of lengths)
    for (let i = 0; i < copies; i++)
      recycleStorage(new Float32Array(new SharedArrayBuffer(4 * n)).fill(Number.NaN));
}
