/**
 * Outputs allocated 'empty' (dtype.ts: a recycled array keeps its old values) must be written in full by
 * their kernel. With the storage pool stocked with NaN-filled arrays of each output's exact length, every
 * op that asks for 'empty' storage gives the same values as with an empty pool, on both tiers, on one
 * thread and on the pool (workers only), K = 0 products included.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  clearStoragePool,
  createCpuBackend,
  type DType,
  type NDArray,
  Rng,
  recycleStorage,
  uniform,
} from '../src/index';
import { workersOnlyOf } from './thread-backends';

const backends: Backend[] = (['wasm', 'js'] as const).flatMap((kernels) => [
  createCpuBackend({ threading: { threads: 1, minMacs: 0 }, kernels }),
  workersOnlyOf(kernels)(2),
]);

/** Every op whose output may come 'empty' from the pool, on `be`. */
function results(be: Backend, x: NDArray, y: NDArray, w: NDArray, empty: NDArray): NDArray[] {
  const ln = be.layerNorm(x, null, null, 1e-5);
  return [
    be.matmul(x, w), // (R, C) @ (C, C)
    be.linear(x, w, null),
    be.matmul(empty.transpose(0, 1), empty), // (C, 0) @ (0, C): K = 0, all zeros
    be.gelu(x, 'none'),
    be.geluBackward(x, y, 'none'),
    be.binary.add(x, y),
    be.unary.neg(x),
    ln.out,
    ln.mean,
    be.layerNormBackward(y, x, null, ln.mean, ln.rstd, false).dx,
  ];
}

/** Puts NaN-filled arrays of each length (and dtype) into the storage pool, plain and shared, enough for every op. */
function stockWithNaN(lengths: readonly number[], dtype: DType): void {
  for (const n of lengths.flatMap((n) => Array<number>(12).fill(n))) {
    const dirty = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    recycleStorage(dirty.fill(Number.NaN));
    const shared =
      dtype === 'float64'
        ? new Float64Array(new SharedArrayBuffer(8 * n))
        : new Float32Array(new SharedArrayBuffer(4 * n));
    recycleStorage(shared.fill(Number.NaN));
  }
}

afterEach(() => clearStoragePool());

describe("outputs allocated 'empty'", () => {
  it('are written in full (a NaN-stocked storage pool changes no result)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 300 }),
        fc.constantFrom(64, 96),
        fc.constantFrom<DType>('float32', 'float64'),
        fc.integer({ min: 0, max: backends.length - 1 }),
        fc.nat(1000),
        (R, C, dtype, b, seed) => {
          const rng = new Rng(seed);
          const x = uniform([R, C], -2, 2, rng, dtype);
          const y = uniform([R, C], -2, 2, rng, dtype);
          const w = uniform([C, C], -1, 1, rng, dtype);
          const empty = uniform([0, C], -1, 1, rng, dtype);
          const be = backends[b];
          clearStoragePool();
          const clean = results(be, x, y, w, empty).map((t) => Array.from(t.values()));
          stockWithNaN([R * C, C * C, R], dtype);
          const dirty = results(be, x, y, w, empty).map((t) => Array.from(t.values()));
          expect(dirty).toEqual(clean);
        },
      ),
      { numRuns: 16 },
    );
  });
});
