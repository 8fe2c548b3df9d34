/**
 * Fused attention on the WebAssembly tier against the scalar kernels (the oracle) and the float64
 * reference, with fast-check over shapes whose S, D, Dv and T are not multiples of 4 or 8 and cross the
 * 64-row chunk, GQA maps, masks with blocked rows, and kept or recomputed weights; and q, k, v as views
 * of one projection, the ViT's layout, staged in the arena per batch (or not, when too sparse).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AttentionArgs, createCpuBackend, fromArray, NDArray, Rng, uniform } from '../src/index';
import { expectLike, f64, oracle } from './contract-helpers';

const wasm = createCpuBackend({ kernels: 'wasm', threading: { threads: 1, minMacs: 0 } });
const js = createCpuBackend({ kernels: 'js', threading: { threads: 1, minMacs: 0 } });

interface Case {
  readonly args: AttentionArgs;
  readonly dOut: NDArray;
  readonly keep: boolean;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    B: fc.integer({ min: 1, max: 2 }),
    Hkv: fc.integer({ min: 1, max: 2 }),
    group: fc.integer({ min: 1, max: 3 }),
    T: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 60, max: 70 })),
    S: fc.oneof(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 60, max: 70 })),
    D: fc.integer({ min: 1, max: 19 }),
    Dv: fc.integer({ min: 1, max: 19 }),
    masked: fc.boolean(),
    keep: fc.boolean(),
    seed: fc.nat(1 << 20),
  })
  .map(({ B, Hkv, group, T, S, D, Dv, masked, keep, seed }) => {
    const rng = new Rng(seed);
    const Hq = Hkv * group;
    const q = uniform([B, Hq, T, D], -2, 2, rng);
    const k = uniform([B, S, Hkv, D], -2, 2, rng).transpose(1, 2); // a non-contiguous view
    const v = uniform([B, Hkv, S, Dv], -2, 2, rng);
    const dOut = uniform([B, Hq, T, Dv], -1, 1, rng);
    const kvHead = Int32Array.from({ length: Hq }, (_, h) => Math.floor(h / group));
    // About one score in four blocked, and row 0 of every head fully blocked.
    const bits = uniform([T, S], 0, 1, rng)
      .values()
      .map((x, i) => (i < S || x < 0.25 ? 0 : 1));
    const mask = masked ? fromArray(bits, [T, S]) : null;
    return { args: { q, k, v, kvHead, scale: D ** -0.5, mask }, dOut, keep };
  });

describe('fused attention on the wasm tier', () => {
  it('forward and backward match the scalar kernels and the float64 reference (odd sizes, GQA, blocked rows)', () => {
    fc.assert(
      fc.property(caseArb, ({ args, dOut, keep }) => {
        const got = wasm.attention(args, keep);
        const want = js.attention(args, keep);
        expectLike(got.out, want.out, 1e-4, 1e-5);
        expectLike(got.lse, want.lse, 1e-5, 1e-5);
        if (keep && got.weights && want.weights) expectLike(got.weights, want.weights, 1e-5, 1e-6);
        else expect(got.weights).toBeNull();
        const g = wasm.attentionBackward(args, got, dOut);
        const gw = js.attentionBackward(args, want, dOut);
        expectLike(g.dq, gw.dq, 1e-3, 1e-4);
        expectLike(g.dk, gw.dk, 1e-3, 1e-4);
        expectLike(g.dv, gw.dv, 1e-3, 1e-4);
        // And the float64 reference, on the same float32 values.
        const a64 = { ...args, q: f64(args.q), k: f64(args.k), v: f64(args.v) };
        const ref = oracle.attention(a64, false);
        expectLike(got.out, ref.out, 1e-4, 1e-5);
        const refG = oracle.attentionBackward(a64, ref, f64(dOut));
        expectLike(g.dk, refG.dk, 1e-3, 1e-4);
      }),
      { numRuns: 40 },
    );
  });

  it('q, k, v as head views of one (B, T, 3 C) projection (staged once per batch) or of one too sparse to stage', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 60, max: 70 })),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(1, 5),
        fc.boolean(),
        fc.nat(1 << 20),
        (B, H, T, D, spread, keep, seed) => {
          const rng = new Rng(seed);
          const C = H * D;
          // Rows of the projection 3 C * spread floats apart: spread 5 makes a batch's span 5x what q, k, v read.
          const row = 3 * C * spread;
          const qkv = uniform([B, T, row], -2, 2, rng).data;
          const view = (i: number) =>
            new NDArray(qkv, { shape: [B, H, T, D], strides: [T * row, D, row, 1], offset: i * C });
          const kvHead = Int32Array.from({ length: H }, (_, h) => h);
          const args = { q: view(0), k: view(1), v: view(2), kvHead, scale: D ** -0.5, mask: null };
          const dOut = uniform([B, T, H, D], -1, 1, rng).transpose(1, 2);
          const got = wasm.attention(args, keep);
          const want = js.attention(args, keep);
          expectLike(got.out, want.out, 1e-4, 1e-5);
          expectLike(got.lse, want.lse, 1e-5, 1e-5);
          if (keep && got.weights && want.weights) expectLike(got.weights, want.weights, 1e-5, 1e-6);
          const g = wasm.attentionBackward(args, got, dOut);
          const gw = js.attentionBackward(args, want, dOut);
          expectLike(g.dq, gw.dq, 1e-3, 1e-4);
          expectLike(g.dk, gw.dk, 1e-3, 1e-4);
          expectLike(g.dv, gw.dv, 1e-3, 1e-4);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('float64 inputs keep the scalar path (same bits as the js tier)', () => {
    const rng = new Rng(5);
    const [q, k, v] = [
      uniform([1, 2, 3, 5], -1, 1, rng),
      uniform([1, 1, 4, 5], -1, 1, rng),
      uniform([1, 1, 4, 3], -1, 1, rng),
    ].map(f64);
    const args = { q, k, v, kvHead: Int32Array.of(0, 0), scale: 0.5, mask: null };
    expect(wasm.attention(args, true).out.values()).toEqual(js.attention(args, true).out.values());
  });
});
