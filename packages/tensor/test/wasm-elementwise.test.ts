/**
 * Element-wise kernels of the wasm tier against the scalar kernels, bit for bit (the f32x4 instructions
 * round + - * / sqrt exactly as float64 math rounded once to float32 does): random shapes of rank 1-4
 * with dims that are mostly not multiples of 4, same-shape operands and operands broadcast over leading
 * dims, special values included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryKernel } from '../src/cpu/binary';
import { unaryKernel } from '../src/cpu/unary';
import { fromArray, type NDArray, Rng } from '../src/index';
import { binaryWasm, unaryWasm } from '../src/wasm/elementwise';
import { emitBinary, emitUnary, SIMD_BINARY_OPS, SIMD_UNARY_OPS } from '../src/wasm/elementwise-kernel';
import { kernelFunctions, kernelModuleBytes } from '../src/wasm/kernel-module';
import { buildModule } from '../src/wasm/module-builder';

const SPECIAL = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -3e38];

/** n float32 values, mostly in [-4, 4), one in eight a special value. */
function values(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () =>
    rng.uniform() < 0.125 ? SPECIAL[Math.floor(rng.uniform() * SPECIAL.length)] : rng.uniform() * 8 - 4,
  );
}

/** Same values, NaN equal to NaN and +0 distinct from -0. */
function expectSameBits(got: NDArray, want: NDArray): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.values();
  const w = want.values();
  for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) expect([i, g[i]]).toEqual([i, w[i]]);
}

const shapes = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 });

describe('element-wise wasm kernels', () => {
  it('each kernel alone is a valid module', () => {
    for (const op of SIMD_BINARY_OPS)
      expect(WebAssembly.validate(buildModule([emitBinary(op)], { minPages: 1 }))).toBe(true);
    for (const op of SIMD_UNARY_OPS)
      expect(WebAssembly.validate(buildModule([emitUnary(op)], { minPages: 1 }))).toBe(true);
  });

  it('the kernel module names its functions (custom name section), so CPU profiles show kernel names', () => {
    const module = new WebAssembly.Module(kernelModuleBytes());
    const [names] = WebAssembly.Module.customSections(module, 'name');
    const text = new TextDecoder().decode(names);
    for (const f of kernelFunctions()) expect(text).toContain(f.name);
  });

  it('binary ops equal the scalar kernel bit for bit, same shape or broadcast over leading dims', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SIMD_BINARY_OPS),
        shapes,
        fc.nat(4),
        fc.boolean(),
        fc.nat(10_000),
        (op, shape, keep, swap, seed) => {
          const rng = new Rng(seed);
          // b holds the trailing `keep` dims (all of them when keep >= rank) and is expanded over the rest.
          const k = Math.min(keep, shape.length);
          const small = shape.map((d, i) => (i < shape.length - k ? 1 : d));
          const full = fromArray(
            values(
              shape.reduce((p, d) => p * d, 1),
              rng,
            ),
            shape,
          );
          const row = fromArray(
            values(
              small.reduce((p, d) => p * d, 1),
              rng,
            ),
            small,
          ).expand(shape);
          const [a, b] = swap ? [row, full] : [full, row];
          const got = binaryWasm(op, a, b);
          const block = small.reduce((p, d) => p * d, 1);
          // Only rows shorter than a vector (while the tensor is longer) are left to the scalar kernel.
          expect(got === null).toBe(block < 4 && block < full.size);
          if (got !== null) expectSameBits(got, binaryKernel(op, a, b));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('binary ops on two operands both repeated (a[1, t, c] + b[c] over a batch)', () => {
    const rng = new Rng(3);
    const a = fromArray(values(5 * 7, rng), [1, 5, 7]).expand([3, 5, 7]);
    const b = fromArray(values(7, rng), [7]).reshape([1, 1, 7]).expand([3, 5, 7]);
    for (const op of SIMD_BINARY_OPS) {
      const got = binaryWasm(op, a, b);
      expect(got).not.toBeNull();
      if (got) expectSameBits(got, binaryKernel(op, a, b));
    }
  });

  it('unary ops equal the scalar kernel bit for bit, any length', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SIMD_UNARY_OPS), shapes, fc.nat(10_000), (op, shape, seed) => {
        const x = fromArray(
          values(
            shape.reduce((p, d) => p * d, 1),
            new Rng(seed),
          ),
          shape,
        );
        const got = unaryWasm(op, x);
        expect(got).not.toBeNull();
        if (got) expectSameBits(got, unaryKernel(op, x));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves to the scalar kernels: other ops, float64, transposed views, column broadcasts', () => {
    const x = fromArray(
      Float32Array.from({ length: 12 }, (_, i) => i - 5),
      [3, 4],
    );
    expect(binaryWasm('pow', x, x)).toBeNull();
    expect(unaryWasm('exp', x)).toBeNull();
    expect(unaryWasm('neg', fromArray(Float64Array.from(x.values()), [3, 4]))).toBeNull();
    expect(binaryWasm('add', x.transpose(0, 1), x.transpose(0, 1))).toBeNull();
    const column = fromArray(Float32Array.of(1, 2, 3), [3, 1]).expand([3, 4]);
    expect(binaryWasm('sub', x, column)).toBeNull();
    expect(binaryWasm('add', x, x.reshape([4, 3]))).toBeNull();
  });
});
