/**
 * sum / mean on the wasm tier against the scalar kernel: over leading axes bit for bit (same float64
 * order), over trailing axes within float64 rounding before the float32 result is rounded (at most one
 * float32 ulp of the result, plus 1e-12 of the summed magnitudes when the sum cancels).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reduceKernel } from '../src/cpu/reduce';
import { fromArray, type NDArray, Rng } from '../src/index';
import { arenaWithRoom } from '../src/wasm/kernel-module';
import { buildModule } from '../src/wasm/module-builder';
import { reduceWasm } from '../src/wasm/reduce';
import { emitSumLast, emitSumRows } from '../src/wasm/reduce-kernel';

/** Values of widely spread magnitudes (2^-30 to 2^30), so that float64 sums round and order matters. */
function randomArray(shape: readonly number[], rng: Rng): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  return fromArray(
    Float32Array.from(
      { length: n },
      () => (rng.uniform() * 2 - 1) * 2 ** Math.floor(rng.uniform() * 60 - 30),
    ),
    shape,
  );
}

const shapes = fc.array(fc.integer({ min: 1, max: 11 }), { minLength: 1, maxLength: 4 });

describe('reduction wasm kernels', () => {
  it('each kernel alone is a valid module', () => {
    expect(WebAssembly.validate(buildModule([emitSumRows()], { minPages: 1 }))).toBe(true);
    expect(WebAssembly.validate(buildModule([emitSumLast()], { minPages: 1 }))).toBe(true);
  });

  it('sum / mean over leading axes equal the scalar kernel bit for bit', () => {
    fc.assert(
      fc.property(
        shapes,
        fc.nat(3),
        fc.constantFrom('sum', 'mean'),
        fc.boolean(),
        fc.nat(10_000),
        (shape, k0, op, keep, seed) => {
          const k = Math.min(k0 + 1, shape.length);
          const axes = Array.from({ length: k }, (_, i) => i);
          const x = randomArray(shape, new Rng(seed));
          const got = reduceWasm(op, x, axes, keep);
          expect(got).not.toBeNull();
          if (!got) return;
          const want = reduceKernel(op, x, axes, keep);
          expect(got.shape).toEqual(want.shape);
          expect(Array.from(got.values())).toEqual(Array.from(want.values()));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sum_rows_f32 adds rows in groups of four as ((x0 + x1) + (x2 + x3)): its float64 sums, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 1, max: 9 }),
        fc.nat(10_000),
        (rows, n, seed) => {
          const x = randomArray([rows, n], new Rng(seed)).values();
          const arena = arenaWithRoom(1 << 16);
          arena.f32.set(x, 0);
          const at = 4096;
          const acc = new Float64Array(arena.memory.buffer, at, n).fill(0);
          arena.kernels.sum_rows_f32(0, at, rows, n);
          const want = new Float64Array(n);
          let r = 0;
          for (; r + 3 < rows; r += 4)
            for (let j = 0; j < n; j++)
              want[j] += x[r * n + j] + x[(r + 1) * n + j] + (x[(r + 2) * n + j] + x[(r + 3) * n + j]);
          for (; r < rows; r++) for (let j = 0; j < n; j++) want[j] += x[r * n + j];
          expect(Array.from(acc)).toEqual(Array.from(want));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sum / mean over trailing axes are within one float32 ulp of the scalar kernel', () => {
    fc.assert(
      fc.property(
        shapes,
        fc.nat(3),
        fc.constantFrom('sum', 'mean'),
        fc.nat(10_000),
        (shape, k0, op, seed) => {
          const k = Math.min(k0 + 1, shape.length);
          const axes = Array.from({ length: k }, (_, i) => shape.length - k + i);
          const x = randomArray(shape, new Rng(seed));
          const got = reduceWasm(op, x, axes, false);
          expect(got).not.toBeNull();
          if (!got) return;
          const want = reduceKernel(op, x, axes, false);
          expect(got.shape).toEqual(want.shape);
          const n = x.size / want.size;
          const g = got.values();
          const w = want.values();
          const X = x.values();
          for (let r = 0; r < w.length; r++) {
            let magnitude = 0;
            for (let j = 0; j < n; j++) magnitude += Math.abs(X[r * n + j]);
            if (op === 'mean') magnitude /= n;
            const tol = 2 ** -23 * Math.abs(w[r]) + 1e-12 * magnitude;
            expect(Math.abs(g[r] - w[r]), `row ${r}`).toBeLessThanOrEqual(tol);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves max / min, middle axes, views and float64 to the scalar kernel', () => {
    const x = randomArray([3, 4, 5], new Rng(2));
    expect(reduceWasm('max', x, [0], false)).toBeNull();
    expect(reduceWasm('sum', x, [1], false)).toBeNull();
    expect(reduceWasm('sum', x, [0, 2], false)).toBeNull();
    expect(reduceWasm('sum', x.transpose(0, 2), [0], false)).toBeNull();
    expect(reduceWasm('sum', fromArray(Float64Array.from(x.values()), [3, 4, 5]), [0], false)).toBeNull();
    expect(() => reduceWasm('sum', x, [3], false)).toThrow(/sum/);
  });
});
