/**
 * The CPU backend with its matmul on the worker pool: properties that the matmul result is bit-identical for
 * any thread count and for the direct and packed paths where both sum in the same order (the whole backend
 * contract runs on the pool as the 'cpu-pool-js' and 'cpu-pool-wasm' tiers of backends.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planMatmul } from '../src/cpu/matmul';
import { matmulUnits } from '../src/cpu/matmul-job';
import { type MatmulPlan, runUnits, tileForThreads, unitCount } from '../src/cpu/matmul-plan';
import { failedUnits, takeUnitsOf, waitForUnits } from '../src/cpu/unit-counters';
import { type KernelTier, Rng, uniform } from '../src/index';
import { matmulLayout, matmulOperands } from './matmul-operands';
import { attentionValues, oneThreadOf, randomMask, workersOnlyOf } from './thread-backends';

/** Matmul / Linear thread properties, for each kernel tier (each tier is bit-identical with itself). */
function describeMatmulThreads(kernels: KernelTier): void {
  const one = oneThreadOf(kernels);
  const pool = [2, 3, 4].map(workersOnlyOf(kernels));
  describe(`matmul threads (${kernels} kernels)`, () => {
    it('gives bit-identical results for 1, 2, 3 and 4 threads (direct, packed and K > block)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 150 }),
          fc.constantFrom(1, 7, 8, 64, 300),
          fc.integer({ min: 1, max: 70 }),
          matmulLayout,
          matmulLayout,
          fc.nat(1000),
          (batch, m, k, n, la, lb, seed) => {
            const [a, b] = matmulOperands(batch, m, k, n, la, lb, seed);
            const want = one.matmul(a, b).values();
            for (const be of pool) expect(be.matmul(a, b).values()).toEqual(want);
          },
        ),
        { numRuns: 25 },
      );
    });

    it('any tiling of the output into units (rows, columns) gives the same bits, direct and packed, with bias', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 2 }),
          fc.integer({ min: 1, max: 90 }),
          fc.constantFrom(1, 8, 64, 300),
          fc.integer({ min: 1, max: 600 }),
          fc.integer({ min: 1, max: 64 }),
          fc.integer({ min: 1, max: 600 }),
          matmulLayout,
          fc.nat(1000),
          (batch, m, k, n, unitRows, unitCols, la, seed) => {
            const [a, b] = matmulOperands(batch, m, k, n, la, 'dense', seed);
            const bias = uniform([n], -1, 1, new Rng(seed + 1));
            const { plan: bare, outShape } = planMatmul(a, b, kernels);
            const plan: MatmulPlan = { ...bare, bias: bias.data, biasOffset: 0, biasStride: 1 };
            const size = outShape.reduce((p, d) => p * d, 1);
            const run = (p: MatmulPlan) => {
              const out = new Float32Array(size);
              runUnits(p, out, 0, unitCount(p));
              return Array.from(out);
            };
            expect(run({ ...plan, unitRows, unitCols })).toEqual(run(plan));
          },
        ),
        { numRuns: 30 },
      );
    });

    it('linear (x W^T + b) equals matmul then bias add, bit for bit, on 1 and several threads', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 90 }),
          fc.constantFrom(1, 8, 64),
          fc.integer({ min: 1, max: 40 }),
          matmulLayout,
          fc.boolean(),
          fc.nat(1000),
          (batch, m, k, n, la, withBias, seed) => {
            const [x] = matmulOperands(batch, m, k, n, la, 'dense', seed);
            const rng = new Rng(seed + 1);
            const w = uniform([n, k], -1, 1, rng); // (out, in)
            const b = withBias ? uniform([n], -1, 1, rng) : null;
            const y = one.matmul(x, w.transpose(0, 1));
            const want = b ? one.binary.add(y, b.expand(y.shape)).values() : y.values();
            expect(one.linear(x, w, b).values()).toEqual(want);
            for (const be of pool) expect(be.linear(x, w, b).values()).toEqual(want);
          },
        ),
        { numRuns: 20 },
      );
    });
  });
}

describeMatmulThreads('js');
describeMatmulThreads('wasm');

describe('matmul threads', () => {
  it('tileForThreads gives a few units per thread where the shape allows, within the tile limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 2, max: 8 }),
        (batch, m, n, threads) => {
          const [a, b] = matmulOperands(batch, m, 4, n, 'dense', 'dense', 1);
          const { plan } = planMatmul(a, b);
          const tiled = tileForThreads(plan, threads);
          expect(tiled.unitRows).toBeGreaterThanOrEqual(Math.min(16, plan.unitRows));
          expect(tiled.unitRows).toBeLessThanOrEqual(plan.unitRows);
          expect(tiled.unitCols === plan.unitCols || tiled.unitCols % 4 === 0).toBe(true);
          expect(tiled.unitCols).toBeGreaterThanOrEqual(Math.min(64, plan.unitCols));
          const enough = unitCount(tiled) >= 3 * threads;
          const atLimits = (tiled.unitRows <= 16 || m <= tiled.unitRows / 2) && tiled.unitCols < 128;
          expect(enough || atLimits).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each(['js', 'wasm'] as const)(
    'fused attention and its backward are bit-identical on 1 and several threads (units by batch, KV head; %s kernels)',
    (kernels) => {
      const one = oneThreadOf(kernels);
      const pool = [2, 3, 4].map(workersOnlyOf(kernels));
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 20 }),
          fc.integer({ min: 1, max: 20 }),
          fc.integer({ min: 1, max: 9 }),
          fc.boolean(),
          fc.nat(1000),
          (B, Hkv, group, T, S, D, keep, seed) => {
            const Hq = Hkv * group;
            const rng = new Rng(seed);
            const q = uniform([B, Hq, T, D], -2, 2, rng);
            const k = uniform([B, S, Hkv, D], -2, 2, rng).transpose(1, 2); // a non-contiguous view
            const v = uniform([B, Hkv, S, D], -2, 2, rng);
            const kvHead = Int32Array.from({ length: Hq }, (_, h) => Math.floor(h / group));
            const mask = randomMask(T, S, rng);
            const dOut = uniform([B, Hq, T, D], -1, 1, rng);
            const args = { q, k, v, kvHead, scale: 0.3, mask };
            const want = attentionValues(one, args, keep, dOut);
            for (const be of pool) expect(attentionValues(be, args, keep, dOut)).toEqual(want);
          },
        ),
        { numRuns: 25 },
      );
    },
  );

  it('direct and packed paths agree bit for bit when K fits one packed block', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 1, max: 40 }),
        matmulLayout,
        matmulLayout,
        fc.nat(1000),
        (batch, m, k, n, la, lb, seed) => {
          const [a, b] = matmulOperands(batch, m, k, n, la, lb, seed);
          const { plan, outShape } = planMatmul(a, b);
          const size = outShape.reduce((p, d) => p * d, 1);
          const results = [true, false].map((direct) => {
            const out = new Float32Array(size);
            runUnits({ ...plan, direct }, out, 0, unitCount(plan));
            return Array.from(out);
          });
          expect(results[0]).toEqual(results[1]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a unit that throws still counts as done (no thread waits forever) and is reported as failed', () => {
    const [a, b] = matmulOperands(2, 70, 8, 9, 'dense', 'dense', 1);
    const { plan } = planMatmul(a, b);
    const broken: MatmulPlan = {
      ...plan,
      get K(): number {
        throw new Error('unit failure injected by the test');
      },
    };
    const counters = () => new Int32Array(new SharedArrayBuffer(3 * 4)); // [next, done, failed]
    const control = counters();
    const { total, run } = matmulUnits({
      job: 'matmul',
      seq: 0,
      plan: broken,
      out: new Float32Array(2 * 70 * 9),
    });
    expect(() => takeUnitsOf(control, total, run)).not.toThrow();
    expect(failedUnits(control)).toBe(unitCount(plan));
    expect(waitForUnits(control, unitCount(plan), 10)).toBe(true);
    // Nobody takes the units of a fresh job: a deadline makes the wait give up instead of hanging.
    expect(waitForUnits(counters(), unitCount(plan), 10)).toBe(false);
  });
});
