/**
 * cpu/pool-outputs.ts: a backend with a worker pool puts the large outputs of its element-wise and
 * layer-norm-backward wrappers on shared storage (so the pool's next job reads them without a copy); a
 * one-thread backend never does. Either way the values are the one-thread backend's, bit for bit, and a
 * storage pool stocked with NaN-filled shared arrays changes nothing (the wrappers write every element).
 * The fused attention's pool outputs skip zero-filling when every unit writes all of its rows: the same
 * NaN-stocked pool shows that they do, and that rows no unit writes (a KV head without query heads) read 0.
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
  uniform,
} from '../src/index';
import { attentionValues, oneThreadOf, randomMask, stockPoolWithNaN } from './thread-backends';

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
          if (stocked) stockPoolWithNaN([rows * C], 6);
          const got = outputs(pooled, x, y);
          for (const t of got) expect(isSharedStorage(t.data)).toBe(rows * C >= SHARED_OUTPUT_MIN);
          expect(got.map((t) => Array.from(t.values()))).toEqual(want.map((t) => Array.from(t.values())));
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('attention pool outputs', () => {
  it.each(['js', 'wasm'] as const)(
    'match the one-thread backend from a NaN-stocked shared pool, empty KV heads included (%s kernels)',
    (kernels) => {
      const one = oneThreadOf(kernels);
      const pool = createCpuBackend({ threading: { threads: 2, minMacs: 1 }, kernels });
      fc.assert(
        fc.property(
          fc.integer({ min: 2, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 64, max: 96 }),
          fc.integer({ min: 64, max: 96 }),
          fc.boolean(),
          fc.nat(1000),
          (B, Hkv, T, S, emptyHead, seed) => {
            const [Hq, D] = [2 * Hkv, 8];
            // Query heads 2g, 2g + 1 to KV head g; with emptyHead the last KV head's two go to KV head 0.
            const kvHead = Int32Array.from({ length: Hq }, (_, h) =>
              emptyHead && Hkv > 1 && h >= Hq - 2 ? 0 : Math.floor(h / 2),
            );
            const rng = new Rng(seed);
            const q = uniform([B, Hq, T, D], -2, 2, rng);
            const k = uniform([B, Hkv, S, D], -2, 2, rng);
            const v = uniform([B, Hkv, S, D], -2, 2, rng);
            const dOut = uniform([B, Hq, T, D], -1, 1, rng);
            const mask = randomMask(T, S, rng);
            const args = { q, k, v, kvHead, scale: 0.3, mask };
            const want = attentionValues(one, args, true, dOut);
            clearStoragePool();
            stockPoolWithNaN([B * Hq * T * D, B * Hq * T, B * Hq * T * S, B * Hkv * S * D], 3);
            expect(attentionValues(pool, args, true, dOut)).toEqual(want);
          },
        ),
        // The first run always has an empty KV head (rows nobody writes), whatever the seed draws.
        { numRuns: 8, examples: [[2, 3, 64, 86, true, 0]] },
      );
    },
  );
});
