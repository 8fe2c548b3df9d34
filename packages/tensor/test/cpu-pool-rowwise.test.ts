/**
 * GELU and its backward (cpu/gelu-pool.ts) and layer norm's forward (cpu/layer-norm-pool.ts) on the worker
 * pool: split into element ranges or row blocks computed by the workers alone, the results equal the
 * one-thread wasm kernels bit for bit, for lengths that end inside a unit and operands that are views, and
 * the pool's results live on shared storage.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSharedStorage, Rng, uniform } from '../src/index';
import { oneThreadOf, workersOnlyOf } from './thread-backends';

const one = oneThreadOf('wasm');
const pools = [2, 3].map(workersOnlyOf('wasm'));

describe('GELU on the pool', () => {
  it('forward and backward equal one thread bit for bit, any length and offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 140_000 }),
        fc.integer({ min: 0, max: 5 }),
        fc.nat(1000),
        fc.integer({ min: 0, max: pools.length - 1 }),
        (n, skip, seed, p) => {
          const rng = new Rng(seed);
          // A view that starts `skip` elements into its storage: still contiguous, offset storage.
          const x = uniform([n + skip], -6, 6, rng).slice([{ start: skip, stop: n + skip }]); // (n)
          const dy = uniform([n], -2, 2, rng); // (n)
          const pool = pools[p];
          const y = pool.gelu(x, 'none');
          expect(Array.from(y.values())).toEqual(Array.from(one.gelu(x, 'none').values()));
          const g = pool.geluBackward(x, dy, 'none');
          expect(Array.from(g.values())).toEqual(Array.from(one.geluBackward(x, dy, 'none').values()));
          // 2 units at least (32768 elements each): the pool ran it and its result is shared storage.
          if (n > 1 << 15) expect(isSharedStorage(y.data) && isSharedStorage(g.data)).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('layer norm on the pool', () => {
  it('out, mean and rstd equal one thread bit for bit, with and without weight and bias', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1500 }),
        fc.constantFrom(1, 3, 64, 100, 257),
        fc.boolean(),
        fc.nat(1000),
        fc.integer({ min: 0, max: pools.length - 1 }),
        (rows, C, affine, seed, p) => {
          const rng = new Rng(seed);
          const x = uniform([rows, C], -3, 3, rng); // (rows, C)
          for (let r = 0; r < rows; r++) {
            const scale = 0.1 + 4 * rng.uniform(); // rows of different scale
            for (let c = 0; c < C; c++) x.data[r * C + c] *= scale;
          }
          const w = affine ? uniform([C], 0.5, 1.5, rng) : null;
          const b = affine ? uniform([C], -1, 1, rng) : null;
          const got = pools[p].layerNorm(x, w, b, 1e-5);
          const want = one.layerNorm(x, w, b, 1e-5);
          for (const k of ['out', 'mean', 'rstd'] as const) {
            expect(got[k].shape).toEqual(want[k].shape);
            expect(Array.from(got[k].values())).toEqual(Array.from(want[k].values()));
          }
          // Units of 32768 floats: two or more ran on the pool, into shared storage.
          const perUnit = Math.max(1, Math.floor((1 << 15) / C));
          if (rows > perUnit) expect(isSharedStorage(got.out.data)).toBe(true);
        },
      ),
      { numRuns: 20 },
    );
  });
});
