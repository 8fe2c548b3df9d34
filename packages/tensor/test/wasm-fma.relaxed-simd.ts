/**
 * The opt-in relaxed-SIMD FMA GEMM (GQA_WASM_FMA=1), run where relaxed SIMD validates: vitest.config.ts's
 * 'relaxed-simd' project starts these workers with node --experimental-wasm-relaxed-simd. The FMA kernel
 * within a rounding-error bound of the float64 sum, the whole backend contract on it (one thread and the
 * pool), the same bits for any thread count on one machine, and the default (no opt-in) still today's bits.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createCpuBackend, type NDArray, Rng, resolveWasmFma, wasmRelaxedSimdSupported } from '../src/index';
import { fmaGemmOf, fmaModuleBytes } from '../src/wasm/fma-gemm';
import { GEMM_NR } from '../src/wasm/gemm-kernel';
import { arenaWithRoom, kernelModuleBytes } from '../src/wasm/kernel-module';
import { describeBackend } from './backend-contract';
import { matmulLayout, matmulOperands } from './matmul-operands';

const before = process.env.GQA_WASM_FMA;
afterEach(() => {
  if (before === undefined) delete process.env.GQA_WASM_FMA;
  else process.env.GQA_WASM_FMA = before;
});

/** Unit roundoff of float32. */
const U = 2 ** -24;

describe('relaxed SIMD under --experimental-wasm-relaxed-simd', () => {
  it('validates: the probe, the FMA module, and the default module still', () => {
    expect(wasmRelaxedSimdSupported()).toBe(true);
    expect(WebAssembly.validate(fmaModuleBytes())).toBe(true);
    expect(WebAssembly.validate(kernelModuleBytes())).toBe(true);
  });

  it('GQA_WASM_FMA=1 turns it on for the wasm tier only; the option on the js tier is an error', () => {
    process.env.GQA_WASM_FMA = '1';
    expect(resolveWasmFma(undefined, 'wasm')).toBe(true);
    expect(resolveWasmFma(undefined, 'js')).toBe(false);
    expect(resolveWasmFma(false, 'wasm')).toBe(false);
    process.env.GQA_WASM_FMA = '0';
    expect(resolveWasmFma(undefined, 'wasm')).toBe(false);
    expect(resolveWasmFma(true, 'wasm')).toBe(true);
    expect(() => createCpuBackend({ kernels: 'js', fma: true })).toThrow(
      "the backend's fma option needs the 'wasm' kernel tier, but kernels are 'js'",
    );
  });
});

describe('gemm_fma_f32 kernel', () => {
  it('is within the rounding bound of the float64 sum, for any rows, panels, depth, strides, accumulate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(1000),
        (rows, panels, kc, transposedA, accumulate, seed) => {
          const rng = new Rng(seed);
          const cols = panels * GEMM_NR;
          const arena = arenaWithRoom(1 << 20);
          const f = arena.f32;
          // A (rows x kc) at float 0, row-major or stored as its transpose; B packed in 8-column panels.
          const [ars, acs] = transposedA ? [1, rows] : [kc, 1];
          const aVals = Array.from({ length: rows * kc }, () => Math.fround(rng.uniform() * 4 - 2));
          for (let i = 0; i < rows; i++)
            for (let k = 0; k < kc; k++) f[i * ars + k * acs] = aVals[i * kc + k];
          const bAt = 4096;
          const bVals = Array.from({ length: kc * cols }, () => Math.fround(rng.uniform() * 4 - 2));
          for (let k = 0; k < kc; k++)
            for (let j = 0; j < cols; j++) {
              const q = Math.floor(j / GEMM_NR);
              f[bAt + (q * kc + k) * GEMM_NR + (j % GEMM_NR)] = bVals[k * cols + j];
            }
          const cAt = 65536;
          const c0 = Array.from({ length: rows * cols }, () => Math.fround(rng.uniform()));
          f.set(c0, cAt);
          fmaGemmOf(arena)(
            0,
            ars * 4,
            acs * 4,
            bAt * 4,
            GEMM_NR * 4,
            kc * GEMM_NR * 4,
            cAt * 4,
            cols * 4,
            rows,
            panels,
            kc,
            +accumulate,
          );
          // A sequential sum of kc steps, each rounded at most twice (fused or not, as relaxed_madd allows):
          // |error| <= gamma(2 kc) * (|c0| + sum |a b|), gamma(n) = n u / (1 - n u).
          const gamma = (2 * kc * U) / (1 - 2 * kc * U);
          for (let i = 0; i < rows; i++)
            for (let j = 0; j < cols; j++) {
              let exact = accumulate ? c0[i * cols + j] : 0;
              let magnitude = Math.abs(exact);
              for (let k = 0; k < kc; k++) {
                const p = aVals[i * kc + k] * bVals[k * cols + j]; // exact in float64
                exact += p;
                magnitude += Math.abs(p);
              }
              const got = f[cAt + i * cols + j];
              if (Math.abs(got - exact) > gamma * magnitude)
                expect.fail(`C[${i}, ${j}] = ${got}, float64 ${exact}, bound ${gamma * magnitude}`);
            }
        },
      ),
      { numRuns: 60 },
    );
  });
});

// The whole backend contract (float32 within its tolerances of the float64 reference) on the FMA tier.
describeBackend('cpu-wasm-fma', () => createCpuBackend({ name: 'cpu-wasm-fma', kernels: 'wasm', fma: true }));
describeBackend('cpu-pool-wasm-fma', () =>
  createCpuBackend({
    name: 'cpu-pool-wasm-fma',
    threading: { threads: 3, minMacs: 0, callerWorks: false },
    kernels: 'wasm',
    fma: true,
  }),
);

/** Today's bits: one f32 sum per element in k order of f32-rounded products (no fusing). */
function unfusedMatmul(a: NDArray, b: NDArray): number[] {
  const [batch, m, k] = a.shape;
  const n = b.shape[1];
  const out: number[] = [];
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s = Math.fround(s + Math.fround(a.get(t, i, q) * b.get(q, j)));
        out.push(s);
      }
  return out;
}

describe('FMA and the default where relaxed SIMD is available', () => {
  const oneFma = createCpuBackend({ threading: { threads: 1, minMacs: 0 }, kernels: 'wasm', fma: true });
  const poolFma = [2, 3].map((threads) =>
    createCpuBackend({ threading: { threads, minMacs: 0, callerWorks: false }, kernels: 'wasm', fma: true }),
  );
  // GQA_WASM_FMA is unset here: the default backend, as a user gets it.
  const byDefault = createCpuBackend({ threading: { threads: 1, minMacs: 0 } });

  it('FMA: bit-identical for 1, 2 and 3 threads on one machine (direct, packed and K > slice)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 90 }),
        fc.constantFrom(1, 8, 64, 300),
        fc.integer({ min: 1, max: 40 }),
        matmulLayout,
        matmulLayout,
        fc.nat(1000),
        (batch, m, k, n, la, lb, seed) => {
          const [a, b] = matmulOperands(batch, m, k, n, la, lb, seed);
          const want = oneFma.matmul(a, b).values();
          for (const be of poolFma) expect(be.matmul(a, b).values()).toEqual(want);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('the default stays unfused: bit-identical to f32 sums of f32 products, though FMA validates here', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(1, 8, 64, 300),
        fc.integer({ min: 1, max: 20 }),
        matmulLayout,
        matmulLayout,
        fc.nat(1000),
        (batch, m, k, n, la, lb, seed) => {
          const [a, b] = matmulOperands(batch, m, k, n, la, lb, seed);
          expect(Array.from(byDefault.matmul(a, b).values())).toEqual(unfusedMatmul(a, b));
        },
      ),
      { numRuns: 15 },
    );
  });
});
