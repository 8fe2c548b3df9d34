/**
 * Layer norm on the wasm tier against the scalar kernel, bit for bit (both sum in float64 in the same
 * order): random row counts and row lengths (odd, even, not multiples of 4), with and without weight /
 * bias, forward statistics and every gradient.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layerNormBackwardKernel, layerNormKernel } from '../src/cpu/layer-norm';
import { fromArray, type NDArray, Rng } from '../src/index';
import { layerNormBackwardWasm, layerNormWasm } from '../src/wasm/layer-norm';
import { emitLayerNorm, emitLayerNormGrad } from '../src/wasm/layer-norm-kernel';
import { buildModule } from '../src/wasm/module-builder';

function randomArray(shape: number[], rng: Rng, scale = 3, shift = 0): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  return fromArray(
    Float32Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * scale + shift),
    shape,
  );
}

function expectSameBits(got: NDArray | null, want: NDArray | null, what: string): void {
  if (want === null || got === null) {
    expect(got, what).toBe(want);
    return;
  }
  expect(got.shape, what).toEqual(want.shape);
  const g = got.values();
  const w = want.values();
  for (let i = 0; i < w.length; i++)
    if (!Object.is(g[i], w[i])) expect([what, i, g[i]]).toEqual([what, i, w[i]]);
}

describe('layer norm wasm kernels', () => {
  it('each kernel alone is a valid module', () => {
    expect(WebAssembly.validate(buildModule([emitLayerNorm()], { minPages: 1 }))).toBe(true);
    expect(WebAssembly.validate(buildModule([emitLayerNormGrad()], { minPages: 1 }))).toBe(true);
  });

  it('forward and backward equal the scalar kernel bit for bit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 2 }),
        fc.integer({ min: 1, max: 70 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(1e-5, 0.1),
        fc.nat(10_000),
        (lead, C, affine, hasBias, eps, seed) => {
          const rng = new Rng(seed);
          const shape = [...lead, C];
          // an offset mean, so that the two-pass variance is exercised
          const x = randomArray(shape, rng, 2, rng.uniform() * 10);
          const w = affine ? randomArray([C], rng) : null;
          const b = affine && hasBias ? randomArray([C], rng) : null;
          const want = layerNormKernel(x, w, b, eps);
          const got = layerNormWasm(x, w, b, eps);
          expect(got).not.toBeNull();
          if (!got) return;
          expectSameBits(got.out, want.out, 'out');
          expectSameBits(got.mean, want.mean, 'mean');
          expectSameBits(got.rstd, want.rstd, 'rstd');
          const dy = randomArray(shape, rng);
          const gWant = layerNormBackwardKernel(dy, x, w, want.mean, want.rstd, hasBias);
          const gGot = layerNormBackwardWasm(dy, x, w, want.mean, want.rstd, hasBias);
          expect(gGot).not.toBeNull();
          if (!gGot) return;
          expectSameBits(gGot.dx, gWant.dx, 'dx');
          expectSameBits(gGot.dweight, gWant.dweight, 'dweight');
          expectSameBits(gGot.dbias, gWant.dbias, 'dbias');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('leaves views, float64 and empty rows to the scalar kernel, and rejects bad shapes with its message', () => {
    const rng = new Rng(1);
    const x = randomArray([4, 6], rng);
    expect(layerNormWasm(x.transpose(0, 1), null, null, 1e-5)).toBeNull();
    expect(layerNormWasm(fromArray(Float64Array.from(x.values()), [4, 6]), null, null, 1e-5)).toBeNull();
    expect(layerNormWasm(fromArray(new Float32Array(0), [4, 0]), null, null, 1e-5)).toBeNull();
    expect(() => layerNormWasm(x, randomArray([5], rng), null, 1e-5)).toThrow(/layerNorm/);
  });
});
