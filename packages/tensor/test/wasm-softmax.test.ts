/**
 * The WebAssembly softmax kernels: each emitted function validates on its own, the SIMD exp against
 * Math.exp, and softmax / softmaxBackward / logsumexp on the wasm tier against the scalar kernels (the
 * oracle) with fast-check over row counts and lengths that are not multiples of 4, -Infinity entries and
 * fully blocked rows included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCpuBackend, fromArray, kernelListing, type NDArray } from '../src/index';
import { FunctionBuilder } from '../src/wasm/function-builder';
import { arenaWithRoom } from '../src/wasm/kernel-module';
import { buildModule } from '../src/wasm/module-builder';
import { emitExpShift, emitSoftmax, emitSoftmaxGrad } from '../src/wasm/softmax-kernel';
import { expConstants, expF32x4 } from '../src/wasm/vector-math';

const wasm = createCpuBackend({ kernels: 'wasm', threading: { threads: 1, minMacs: 0 } });
const js = createCpuBackend({ kernels: 'js', threading: { threads: 1, minMacs: 0 } });

/** A module exporting `exp4(src, dst)`: dst[0..4) = exp(src[0..4)) through expF32x4. */
function expModule(): (src: number, dst: number) => void {
  const f = new FunctionBuilder('exp4', { src: 'i32', dst: 'i32' });
  const [src, dst] = f.params;
  const t = f.local('t', 'v128');
  const scratch = { n: f.local('n', 'v128'), r: f.local('r', 'v128'), low: f.local('low', 'v128') };
  const k = expConstants(f);
  f.get(src).mem('v128.load').set(t).get(dst);
  expF32x4(f, t, k, scratch);
  f.mem('v128.store');
  const memory = new WebAssembly.Memory({ initial: 1 });
  const bytes = buildModule([f], { minPages: 1 });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const exp4 = exports.exp4;
  if (typeof exp4 !== 'function') throw new Error('exp4 not exported');
  heap = new Float32Array(memory.buffer);
  return (s, d) => exp4(s, d);
}
let heap = new Float32Array(0);

/** expect every element of got within rtol * |want| + atol of want; NaN only where want is NaN. */
function expectNear(got: NDArray, want: NDArray, rtol: number, atol: number): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.values();
  const w = want.values();
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i])) expect(g[i], `element ${i}`).toBeNaN();
    else if (!Number.isFinite(w[i])) expect(g[i], `element ${i}`).toBe(w[i]);
    else
      expect(Math.abs(g[i] - w[i]), `element ${i}: ${g[i]} vs ${w[i]}`).toBeLessThanOrEqual(
        atol + rtol * Math.abs(w[i]),
      );
  }
}

/** (rows, n) float32 rows, n from 1 to 37, values in [-30, 30] with some -Infinity (and whole blocked rows). */
const rowsArb = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 37 }), lead: fc.boolean() })
  .chain(({ rows, n, lead }) =>
    fc.record({
      shape: fc.constant(lead ? [1, rows, n] : [rows, n]),
      values: fc.array(
        fc.oneof(
          { weight: 12, arbitrary: fc.float({ min: -30, max: 30, noNaN: true }) },
          { weight: 1, arbitrary: fc.constant(Number.NEGATIVE_INFINITY) },
        ),
        { minLength: rows * n, maxLength: rows * n },
      ),
      blocked: fc.option(fc.nat(rows - 1), { nil: null }),
    }),
  )
  .map(({ shape, values, blocked }) => {
    const n = shape[shape.length - 1];
    if (blocked !== null) values.fill(Number.NEGATIVE_INFINITY, blocked * n, (blocked + 1) * n);
    return fromArray(Float32Array.from(values), shape);
  });

describe('wasm softmax kernels', () => {
  it('each emitted function validates as a module of its own, and the listing shows them', () => {
    for (const emit of [emitSoftmax, emitSoftmaxGrad, emitExpShift]) {
      expect(WebAssembly.validate(buildModule([emit()], { minPages: 1 }))).toBe(true);
    }
    const text = kernelListing();
    for (const name of ['softmax_f32', 'softmax_grad_f32', 'exp_shift_f32'])
      expect(text).toContain(`(func $${name} `);
    expect(text).toContain('f32.const -inf');
  });

  it('exp is within 2 ulp of Math.exp on [-87.3, 0], exactly 0 below -87.5 and at -Infinity, NaN for NaN', () => {
    const exp4 = expModule();
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: Math.fround(-87.3), max: 0, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (t) => {
          heap.set(t, 0);
          exp4(0, 16);
          for (let i = 0; i < 4; i++) {
            const want = Math.exp(Math.fround(t[i]));
            expect(Math.abs(heap[4 + i] - want)).toBeLessThanOrEqual(2 * 2 ** -23 * want);
          }
        },
      ),
      { numRuns: 300 },
    );
    heap.set([-87.6, Number.NEGATIVE_INFINITY, Number.NaN, -1000], 0);
    exp4(0, 16);
    expect(Array.from(heap.subarray(4, 8))).toEqual([0, 0, Number.NaN, 0]);
  });

  it('softmax and logsumexp over the last axis match the scalar kernels (odd lengths, -Infinity, blocked rows)', () => {
    fc.assert(
      fc.property(rowsArb, (x) => {
        expectNear(wasm.softmax(x, -1), js.softmax(x, -1), 2e-6, 1e-7);
        expectNear(wasm.logsumexp(x, -1, false), js.logsumexp(x, -1, false), 1e-6, 1e-6);
        expectNear(wasm.logsumexp(x, x.rank - 1, true), js.logsumexp(x, x.rank - 1, true), 1e-6, 1e-6);
      }),
      { numRuns: 200 },
    );
  });

  it("softmax_f32 and exp_shift_f32 overwrite a row's pad lanes (n .. n rounded up to 4) whatever they held", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.nat(1000), (n, seed) => {
        const arena = arenaWithRoom(1 << 16);
        const f = arena.f32;
        const ld = Math.ceil(n / 4) * 4 + 4; // a row stride with room past the pads
        const vals = Array.from({ length: 2 * n }, (_, i) => Math.fround(((i * 37 + seed) % 19) - 9));
        for (let r = 0; r < 2; r++) {
          f.set(vals.slice(r * n, (r + 1) * n), r * ld);
          f.fill(Number.NaN, r * ld + n, (r + 1) * ld); // garbage where the pads go
        }
        arena.kernels.softmax_f32(0, 0, 2, n, ld * 4, 4096);
        for (let r = 0; r < 2; r++) {
          const row = vals.slice(r * n, (r + 1) * n);
          const max = Math.max(...row);
          const sum = row.reduce((s, x) => s + Math.exp(x - max), 0);
          for (let j = 0; j < n; j++)
            expect(Math.abs(f[r * ld + j] - Math.exp(row[j] - max) / sum)).toBeLessThan(1e-6);
          expect(f[1024 + 2 * r]).toBe(max);
        }
        for (let r = 0; r < 2; r++) f.fill(Number.NaN, r * ld + n, (r + 1) * ld);
        f[8192] = 0;
        f[8193] = 0;
        arena.kernels.exp_shift_f32(0, 2, n, ld * 4, 8192 * 4);
        for (let j = n; j < Math.ceil(n / 4) * 4; j++) expect(f[j]).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('softmaxBackward matches the scalar kernel', () => {
    fc.assert(
      fc.property(rowsArb, fc.nat(1 << 20), (x, seed) => {
        const y = js.softmax(x, -1);
        const dy = fromArray(
          Float32Array.from({ length: x.size }, (_, i) => (((i * 7919 + seed) % 97) - 48) / 16),
          x.shape,
        );
        expectNear(wasm.softmaxBackward(y, dy, -1), js.softmaxBackward(y, dy, -1), 1e-5, 1e-6);
      }),
      { numRuns: 200 },
    );
  });

  it('other axes, views and float64 take the scalar kernels; bad input keeps their messages', () => {
    const x = fromArray(
      Float32Array.from({ length: 12 }, (_, i) => i / 3 - 2),
      [3, 4],
    );
    for (const [input, axis] of [
      [x, 0],
      [x.transpose(0, 1), -1],
      [js.cast(x, 'float64'), -1],
    ] as const) {
      expect(wasm.softmax(input, axis).values()).toEqual(js.softmax(input, axis).values());
      expect(wasm.logsumexp(input, axis, false).values()).toEqual(js.logsumexp(input, axis, false).values());
    }
    expect(() => wasm.softmax(x, 2)).toThrow(/softmax/);
    expect(() => wasm.softmaxBackward(x, x.reshape([4, 3]), -1)).toThrow(/softmaxBackward/);
  });
});
