/**
 * The WebAssembly tier: the module builder's encodings, that every emitted module validates, the
 * listing, and the GEMM kernel bit for bit against a Math.fround emulation of its sums (one f32 sum per
 * element in k order, f32 products), on random sizes, strides and the accumulate flag.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutArray } from '../../../testing/arrays';
import {
  createCpuBackend,
  fromArray,
  geluDerivative,
  geluFormula,
  kernelListing,
  Rng,
  wasmSimdSupported,
} from '../src/index';
import { sleb, uleb } from '../src/wasm/encoding';
import { FunctionBuilder } from '../src/wasm/function-builder';
import { GEMM_NR } from '../src/wasm/gemm-kernel';
import { arenaWithRoom, kernelModuleBytes } from '../src/wasm/kernel-module';
import { buildModule } from '../src/wasm/module-builder';
import { resolveKernelTier } from '../src/wasm/support';

/** LEB128 decoder (the inverse the spec defines), signed or not; returns the value and the bytes read. */
function decodeLeb(bytes: readonly number[], signed: boolean): [number, number] {
  let result = 0n;
  let shift = 0n;
  let i = 0;
  for (;;) {
    const byte = bytes[i++];
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) {
      if (signed && (byte & 0x40) !== 0) result -= 1n << shift;
      return [Number(result), i];
    }
  }
}

describe('wasm encoding', () => {
  it('uleb and sleb round-trip every u32 / i32 and use the fewest bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const b = uleb(n);
        expect(decodeLeb(b, false)).toEqual([n, b.length]);
        expect(b.length).toBe(Math.max(1, Math.ceil(Math.log2(n + 1) / 7)));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (n) => {
        const b = sleb(n);
        expect(decodeLeb(b, true)).toEqual([n, b.length]);
      }),
    );
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]); // the spec's example
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('rejects values outside u32 / i32 naming them', () => {
    expect(() => uleb(-1)).toThrow('wasm: uleb -1 is not a u32');
    expect(() => sleb(2 ** 31)).toThrow('wasm: sleb 2147483648 is not an i32');
  });
});

describe('wasm module builder', () => {
  it('the kernel module validates, and this runtime accepts SIMD', () => {
    expect(wasmSimdSupported()).toBe(true);
    expect(WebAssembly.validate(kernelModuleBytes())).toBe(true);
  });

  it('a built function runs: f32x4 arithmetic, loops, branches and memory', () => {
    // sum4(p, n): sum of n floats at p (n a multiple of 4), four lanes at a time, lanes added at the end.
    const f = new FunctionBuilder('sum4', { p: 'i32', n: 'i32' }, ['f32']);
    const [p, n] = f.params;
    const acc = f.local('acc', 'v128');
    f.f32(0).op('f32x4.splat').set(acc);
    f.block('done', () => {
      f.loop('next', () => {
        f.get(n).op('i32.eqz').brIf('done');
        f.get(acc).get(p).mem('v128.load').op('f32x4.add').set(acc);
        f.get(p).i32(16).op('i32.add').set(p);
        f.get(n).i32(4).op('i32.sub').set(n).br('next');
      });
    });
    for (let lane = 0; lane < 4; lane++) f.get(acc).lane('f32x4.extract_lane', lane);
    f.op('f32.add').op('f32.add').op('f32.add');
    const bytes = buildModule([f], { minPages: 1 });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    new Float32Array(memory.buffer).set([1, 2, 3, 4, 5, 6, 7, 8], 4);
    const sum4 = exports.sum4;
    if (typeof sum4 !== 'function') throw new Error('sum4 not exported');
    expect(sum4(16, 8)).toBe(36);
    expect(f.listing()).toContain('    br_if $done');
  });

  it('rejects a branch to a label no enclosing block has, and an unknown parameter', () => {
    const f = new FunctionBuilder('bad', { x: 'i32' });
    expect(() => f.block('a', () => f.br('b'))).toThrow(
      "wasm bad: br to 'b', which no enclosing block is named",
    );
    expect(() => f.param('y')).toThrow("wasm bad: no parameter 'y'");
  });

  it('the listing shows the GEMM micro-kernel: splat A, f32x4 mul + add into eight accumulators', () => {
    const text = kernelListing();
    expect(text).toContain('(func $gemm_f32 (param $a i32)');
    expect(text).toContain('v128.load32_splat');
    const inner = text.split('loop $k')[1].split('\n');
    const body = inner.slice(
      0,
      inner.findIndex((l) => l.trim() === 'end'),
    );
    // One full 4-row block: 8 multiplies and 8 adds per k step.
    expect(body.filter((l) => l.trim() === 'f32x4.mul')).toHaveLength(8);
    expect(body.filter((l) => l.trim() === 'f32x4.add')).toHaveLength(8);
  });

  it('GQA_KERNELS / the option: unknown tiers are rejected', () => {
    expect(() => resolveKernelTier('simd' as 'js')).toThrow("GQA_KERNELS must be 'js' or 'wasm', got 'simd'");
    expect(resolveKernelTier('js')).toBe('js');
    expect(resolveKernelTier('wasm')).toBe('wasm');
  });
});

describe('gemm_f32 kernel', () => {
  it('equals sequential f32 sums of f32 products, bit for bit, for any rows, panels, depth and strides', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.nat(1000),
        (rows, panels, kc, transposedA, packedB, accumulate, seed) => {
          const rng = new Rng(seed);
          const cols = panels * GEMM_NR;
          const arena = arenaWithRoom(1 << 20);
          const f = arena.f32;
          // A (rows x kc) at float 0: row-major, or stored as its transpose (kc x rows).
          const [ars, acs] = transposedA ? [1, rows] : [kc, 1];
          const aVals = Array.from({ length: rows * kc }, () => Math.fround(rng.uniform() * 4 - 2));
          for (let i = 0; i < rows; i++)
            for (let k = 0; k < kc; k++) f[i * ars + k * acs] = aVals[i * kc + k];
          // B packed (panel q, row k, column jj at bAt + (q * kc + k) * 8 + jj), or row-major with a
          // padded row stride (rows 4 floats apart more than they need), read in place.
          const bAt = 4096;
          const ldb = cols + 4;
          const [brs, bps] = packedB ? [GEMM_NR, kc * GEMM_NR] : [ldb, GEMM_NR];
          const bVals = Array.from({ length: kc * cols }, () => Math.fround(rng.uniform() * 4 - 2));
          for (let k = 0; k < kc; k++)
            for (let j = 0; j < cols; j++) {
              const q = Math.floor(j / GEMM_NR);
              f[bAt + q * bps + k * brs + (j % GEMM_NR)] = bVals[k * cols + j];
            }
          const cAt = 65536;
          const ldc = cols + 4; // a padded row stride
          const c0 = Array.from({ length: rows * ldc }, () => Math.fround(rng.uniform()));
          f.set(c0, cAt);
          arena.kernels.gemm_f32(
            0,
            ars * 4,
            acs * 4,
            bAt * 4,
            brs * 4,
            bps * 4,
            cAt * 4,
            ldc * 4,
            rows,
            panels,
            kc,
            +accumulate,
          );
          for (let i = 0; i < rows; i++)
            for (let j = 0; j < cols; j++) {
              let want = accumulate ? c0[i * ldc + j] : 0;
              for (let k = 0; k < kc; k++)
                want = Math.fround(want + Math.fround(aVals[i * kc + k] * bVals[k * cols + j]));
              expect(f[cAt + i * ldc + j]).toBe(want);
            }
          // The padding between rows is never written.
          for (let i = 0; i < rows; i++)
            for (let j = cols; j < ldc; j++) expect(f[cAt + i * ldc + j]).toBe(c0[i * ldc + j]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('wasm matmul: B read in place or packed', () => {
  const wasm = createCpuBackend({ kernels: 'wasm', threading: { threads: 1, minMacs: 0 } });

  it('rows of B 512 or 1024 floats apart (packed when A has 256+ rows) give the f32 sums in k order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 250, max: 262 }), // M: both sides of the packing threshold
        fc.integer({ min: 1, max: 24 }), // K
        fc.integer({ min: 1, max: 19 }), // N, a slice of B's wider rows
        fc.constantFrom(512, 1024, 520), // B's row stride (520: never packed for its stride)
        fc.boolean(),
        fc.nat(1000),
        (M, K, N, ldb, transposedA, seed) => {
          const rng = new Rng(seed);
          const aVals = Array.from({ length: M * K }, () => Math.fround(rng.uniform() * 4 - 2));
          const a = layoutArray(aVals, [M, K], transposedA ? 'permuted' : 'dense'); // permuted: stored as A^T
          const wide = Array.from({ length: K * ldb }, () => Math.fround(rng.uniform() * 4 - 2));
          const b = fromArray(wide, [K, ldb], 'float32').slice([{}, { start: 0, stop: N }]); // (K, N), rows ldb apart
          const out = wasm.matmul(a, b).values();
          for (let i = 0; i < M; i++)
            for (let j = 0; j < N; j++) {
              let want = 0;
              for (let k = 0; k < K; k++)
                want = Math.fround(want + Math.fround(aVals[i * K + k] * wide[k * ldb + j]));
              expect(out[i * N + j]).toBe(want);
            }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('GELU kernels (exact form, float32)', () => {
  const wasm = createCpuBackend({ kernels: 'wasm', threading: { threads: 1, minMacs: 0 } });
  const values = fc.array(fc.float({ min: -12, max: 12, noNaN: true, noDefaultInfinity: true }), {
    minLength: 1,
    maxLength: 41,
  });

  it("gelu and dy * gelu'(x) are within 1e-6 (1 + |x|) of the float64 formulas, any length", () => {
    fc.assert(
      fc.property(values, fc.nat(1000), (v, seed) => {
        const rng = new Rng(seed);
        const x = fromArray(Float32Array.from(v));
        const dy = fromArray(Float32Array.from(v, () => rng.uniform() * 4 - 2));
        const y = wasm.gelu(x, 'none').values();
        const g = wasm.geluBackward(x, dy, 'none').values();
        const X = x.values();
        const D = dy.values();
        for (let i = 0; i < v.length; i++) {
          const tol = 1e-6 * (1 + Math.abs(X[i]));
          expect(Math.abs(y[i] - geluFormula(X[i], 'none')), `gelu(${X[i]})`).toBeLessThanOrEqual(tol);
          const want = D[i] * geluDerivative(X[i], 'none');
          expect(Math.abs(g[i] - want), `gelu'(${X[i]})`).toBeLessThanOrEqual(
            tol * Math.max(1, Math.abs(D[i])),
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('views, the tanh form and float64 take the scalar kernels (same values as the js tier)', () => {
    const js = createCpuBackend({ kernels: 'js', threading: { threads: 1, minMacs: 0 } });
    const x = fromArray(
      Float32Array.from({ length: 12 }, (_, i) => i / 3 - 2),
      [3, 4],
    );
    for (const input of [x.transpose(0, 1), js.cast(x, 'float64')]) {
      expect(wasm.gelu(input, 'none').values()).toEqual(js.gelu(input, 'none').values());
    }
    expect(wasm.gelu(x, 'tanh').values()).toEqual(js.gelu(x, 'tanh').values());
    expect(() => wasm.geluBackward(x, x.reshape([4, 3]), 'none')).toThrow(/geluBackward/);
  });

  it('propagates NaN', () => {
    const x = fromArray(Float32Array.of(Number.NaN, 1, -1, 0));
    expect(Number.isNaN(wasm.gelu(x, 'none').values()[0])).toBe(true);
    expect(Number.isNaN(wasm.geluBackward(x, x, 'none').values()[0])).toBe(true);
  });
});
