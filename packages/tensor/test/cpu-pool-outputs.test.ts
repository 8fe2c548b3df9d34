/**
 * cpu/pool-outputs.ts: a backend with a worker pool puts the large outputs of its element-wise and
 * layer-norm-backward wrappers on shared storage (so the pool's next job reads them without a copy); a
 * one-thread backend never does. Either way the values are the one-thread backend's, bit for bit, and a
 * storage pool stocked with NaN-filled shared arrays changes nothing (the wrappers write every element).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SHARED_OUTPUT_MIN } from '../src/cpu/pool-outputs';
import {
  type Backend,
  clearStoragePool,
  createCpuBackend,
  isSharedStorage,
  type NDArray,
  Rng,
  recycleStorage,
  uniform,
} from '../src/index';
import { oneThreadOf } from './thread-backends';

const C = 64;
const oneThread = oneThreadOf('wasm');
const pooled = createCpuBackend({ threading: { threads: 2, minMacs: 1 << 22 }, kernels: 'wasm' });

/** The wrappers that take the backend's output allocator, on (rows, C) operands. */
function outputs(be: Backend, x: NDArray, y: NDArray): NDArray[] {
  const ln = be.layerNorm(x, null, null, 1e-5);
  return [be.binary.add(x, y), be.unary.neg(x), be.layerNormBackward(y, x, null, ln.mean, ln.rstd, false).dx];
}

afterEach(() => clearStoragePool());

describe('pool outputs', () => {
  it('large outputs are shared with a pool, never on one thread; values equal the one-thread backend', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: SHARED_OUTPUT_MIN / C - 24, max: SHARED_OUTPUT_MIN / C + 24 }), // rows around the threshold
        fc.boolean(),
        fc.nat(1000),
        (rows, stocked, seed) => {
          const rng = new Rng(seed);
          const x = uniform([rows, C], -2, 2, rng);
          const y = uniform([rows, C], -2, 2, rng);
          const want = outputs(oneThread, x, y);
          for (const t of want) expect(isSharedStorage(t.data)).toBe(false);
          clearStoragePool();
          if (stocked) {
            for (let i = 0; i < 6; i++) {
              const dirty = new Float32Array(new SharedArrayBuffer(4 * rows * C)).fill(Number.NaN);
              recycleStorage(dirty);
            }
          }
          const got = outputs(pooled, x, y);
          for (const t of got) expect(isSharedStorage(t.data)).toBe(rows * C >= SHARED_OUTPUT_MIN);
          expect(got.map((t) => Array.from(t.values()))).toEqual(want.map((t) => Array.from(t.values())));
        },
      ),
      { numRuns: 12 },
    );
  });
});
