import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualSeed, Rng } from '../src/index';

const draw = (r: Rng, n: number) => Array.from({ length: n }, () => r.next());

describe('Rng', () => {
  it('the same seed gives the same stream; different seeds differ', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (a, b) => {
        expect(draw(new Rng(a), 8)).toEqual(draw(new Rng(a), 8));
        if (a !== b) expect(draw(new Rng(a), 8)).not.toEqual(draw(new Rng(b), 8));
      }),
    );
  });
  it('getState / setState resumes bit-identically, including a cached Gaussian', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(20), (seed, skip) => {
        const r = new Rng(seed);
        for (let i = 0; i < skip; i++) r.normal();
        const state = JSON.parse(JSON.stringify(r.getState()));
        const expected = [r.normal(), r.next(), r.int(7), r.normal()];
        const resumed = new Rng(123);
        resumed.setState(state);
        expect([resumed.normal(), resumed.next(), resumed.int(7), resumed.normal()]).toEqual(expected);
      }),
    );
  });
  it('next() is in [0, 1) and uniform(lo, hi) in [lo, hi)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0.001, max: 10, noNaN: true }),
        (seed, lo, w) => {
          const r = new Rng(seed);
          for (let i = 0; i < 50; i++) {
            const u = r.next();
            expect(u >= 0 && u < 1).toBe(true);
            const v = r.uniform(lo, lo + w);
            expect(v >= lo && v < lo + w).toBe(true);
          }
        },
      ),
    );
  });
  it('int(n) stays in [0, n) and rejects bad n', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const r = new Rng(seed);
        for (let i = 0; i < 20; i++) {
          const k = r.int(n);
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
        }
      }),
    );
    expect(() => new Rng(0).int(0)).toThrow('Rng.int: n must be an integer in [1, 2^32], got 0');
  });
  it('normal() has mean ~0 and std ~1 over many samples', () => {
    const r = new Rng(42);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    // 5 standard errors: mean SE = 1/sqrt(n) ~ 0.0022, std SE ~ 0.0016.
    expect(Math.abs(mean)).toBeLessThan(0.012);
    expect(Math.abs(std - 1)).toBeLessThan(0.008);
  });
  it('permutation is a permutation and shuffle keeps the multiset', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(50), (seed, n) => {
        const p = Array.from(new Rng(seed).permutation(n));
        expect([...p].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        const items = [...Array(n).keys()];
        expect(new Rng(seed).shuffle([...items]).sort((a, b) => a - b)).toEqual(items);
      }),
    );
  });
  it('fork works from any state (its last word used to become a negative int32 that setState rejected)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const child = new Rng(seed).fork();
        expect(child.getState().s.every((w) => w >= 0 && w <= 0xffffffff)).toBe(true);
      }),
    );
  });
  it('fork gives an independent reproducible stream; manualSeed resets the default', () => {
    const a = new Rng(5).fork();
    const b = new Rng(5).fork();
    expect(draw(a, 5)).toEqual(draw(b, 5));
    expect(draw(manualSeed(9), 3)).toEqual(draw(new Rng(9), 3));
  });
});
