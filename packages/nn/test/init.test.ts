import type { Tensor } from '@gqa-lab/autograd';
import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calculateFans,
  calculateGain,
  constant_,
  kaimingNormal_,
  kaimingUniform_,
  normal_,
  ones_,
  Parameter,
  truncNormal_,
  uniform_,
  xavierNormal_,
  xavierUniform_,
  zeros_,
} from '../src/index';

function param(shape: number[]): Parameter {
  return new Parameter(NDArray.empty(shape));
}
function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(t.data.values());
  const mean = v.reduce((a, b) => a + b) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

/** 60,000 samples estimate a std to about 0.3% (1 / sqrt(2n)); 2% is several standard errors. */
function expectRelClose(got: number, want: number): void {
  expect(Math.abs(got / want - 1)).toBeLessThan(0.02);
}

describe('init', () => {
  it('is seeded and in place: same seed, same values; storage object kept', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = param([8, 8]);
        const storage = a.data;
        const b = param([8, 8]);
        kaimingUniform_(a, {}, new Rng(seed));
        kaimingUniform_(b, {}, new Rng(seed));
        expect(a.data).toBe(storage);
        expect(Array.from(a.data.values())).toEqual(Array.from(b.data.values()));
      }),
      { numRuns: 20 },
    );
  });

  it('fans and gains follow torch', () => {
    expect(calculateFans([8, 3, 4, 4])).toEqual({ fanIn: 48, fanOut: 128 });
    expect(() => calculateFans([5])).toThrow(/calculateFans: .* \[5\]/);
    expect(calculateGain('relu')).toBe(Math.SQRT2);
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(2 / 6), 15);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
  });

  it('distributions have the documented bounds and spreads', () => {
    const rng = new Rng(1);
    const w = param([200, 300]);
    uniform_(w, -0.5, 0.25, rng);
    expect(stats(w).min).toBeGreaterThanOrEqual(-0.5);
    expect(stats(w).max).toBeLessThan(0.25);
    normal_(w, 1, 2, rng);
    expect(stats(w).mean).toBeCloseTo(1, 1);
    expect(stats(w).std).toBeCloseTo(2, 1);
    truncNormal_(w, {}, rng); // timm default std 0.02, bounds +-2 (never hit)
    expectRelClose(stats(w).std, 0.02);
    truncNormal_(w, { std: 1, a: -0.5, b: 0.5 }, rng);
    expect(stats(w).min).toBeGreaterThanOrEqual(-0.5);
    expect(stats(w).max).toBeLessThanOrEqual(0.5);
    xavierUniform_(w, 1, rng);
    const xa = Math.sqrt(6 / 500);
    expect(stats(w).max).toBeLessThanOrEqual(xa);
    expectRelClose(stats(w).std, xa / Math.sqrt(3));
    xavierNormal_(w, 2, rng);
    expectRelClose(stats(w).std, 2 * Math.sqrt(2 / 500));
    kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'relu' }, rng);
    expectRelClose(stats(w).std, Math.SQRT2 / Math.sqrt(200));
    kaimingUniform_(w, { a: Math.sqrt(5) }, rng); // torch.nn.Linear's default: bound 1 / sqrt(fanIn)
    expect(stats(w).max).toBeLessThanOrEqual(1 / Math.sqrt(300));
    expect(stats(w).max).toBeGreaterThan(0.99 / Math.sqrt(300));
  });

  it('constants', () => {
    const w = param([3]);
    ones_(w);
    expect(Array.from(w.data.values())).toEqual([1, 1, 1]);
    zeros_(w);
    expect(Array.from(w.data.values())).toEqual([0, 0, 0]);
    constant_(w, 0.5);
    expect(Array.from(w.data.values())).toEqual([0.5, 0.5, 0.5]);
  });
});
