/** CPU attention beyond the contract: its exp, and shapes too large for the fused kernel's workspace (the composed path). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expNonPositive } from '../src/cpu/attention-exp';
import { cpuBackend, Rng, uniform } from '../src/index';
import { expectLike, f64, oracle } from './contract-helpers';

describe('cpu attention, large shapes', () => {
  it('S x (D + Dv) beyond the 2^18-element workspace still matches the reference, forward and backward', () => {
    const rng = new Rng(3);
    const [B, Hq, Hkv, T, S, D, Dv] = [1, 2, 1, 2, 4100, 16, 16]; // 4 S (D + Dv) / 2 > 2^18
    const q = uniform([B, Hq, T, D], -1, 1, rng);
    const k = uniform([B, Hkv, S, D], -1, 1, rng);
    const v = uniform([B, Hkv, S, Dv], -1, 1, rng);
    const dOut = uniform([B, Hq, T, Dv], -1, 1, rng);
    const kvHead = Int32Array.of(0, 0);
    const [q64, k64, v64, g64] = [q, k, v, dOut].map(f64);
    const args = { q, k, v, kvHead, scale: 0.25, mask: null };
    const args64 = { q: q64, k: k64, v: v64, kvHead, scale: 0.25, mask: null };
    const fwd = cpuBackend.attention(args, true);
    const want = oracle.attention(args64, false);
    expectLike(fwd.out, want.out, 1e-4, 1e-5);
    expectLike(fwd.lse, want.lse, 1e-5, 1e-5);
    const g = cpuBackend.attentionBackward(args, fwd, dOut);
    const wantG = oracle.attentionBackward(args64, want, g64);
    expectLike(g.dq, wantG.dq, 1e-3, 1e-5);
    expectLike(g.dk, wantG.dk, 1e-3, 1e-5);
    expectLike(g.dv, wantG.dv, 1e-3, 1e-5);
  });
});

describe('expNonPositive (the fused softmax exp)', () => {
  it('is within 1e-15 relative of Math.exp on [-745, 0] and keeps the special values', () => {
    fc.assert(
      fc.property(fc.double({ min: -745, max: 0, noNaN: true }), (x) => {
        const want = Math.exp(x);
        expect(Math.abs(expNonPositive(x) - want)).toBeLessThanOrEqual(1e-15 * want + 1e-320);
      }),
      { numRuns: 2000 },
    );
    expect(expNonPositive(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(expNonPositive(Number.NaN)).toBeNaN();
    expect(expNonPositive(-0)).toBe(1);
    expect(expNonPositive(-800)).toBe(0);
    expect(expNonPositive(1e-7)).toBe(Math.exp(1e-7));
  });
});
