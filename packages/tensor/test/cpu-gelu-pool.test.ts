/**
 * GELU and its backward on the worker pool (cpu/gelu-pool.ts): split into element ranges computed by the
 * workers alone, the results equal the one-thread wasm kernels bit for bit, for lengths that end inside a
 * unit and operands that are views, and the pool's result lives on shared storage.
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
