import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanInterval, pairedComparison } from '../../src/stats/intervals';

const sample = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 12 });

describe('meanInterval', () => {
  it('matches scipy.stats.t.interval(0.95, n - 1, mean, sem) (scipy 1.17.1)', () => {
    const m = meanInterval([0.6525, 0.7, 0.68, 0.6911, 0.7234]);
    expect(m.mean).toBeCloseTo(0.6894, 14);
    expect(m.std).toBeCloseTo(0.026082657073235482, 13);
    expect(m.low).toBeCloseTo(0.6570141037346687, 12);
    expect(m.high).toBeCloseTo(0.7217858962653313, 12);
  });

  it('has no interval with one value (nothing to estimate the spread from)', () => {
    expect(meanInterval([0.7])).toEqual({ n: 1, mean: 0.7, std: null, low: null, high: null, level: 0.95 });
  });

  it('holds the mean, and a wider level gives a wider interval', () => {
    fc.assert(
      fc.property(sample, (xs) => {
        const m = meanInterval(xs);
        const w = meanInterval(xs, 0.99);
        expect(m.low).not.toBeNull();
        expect(m.low ?? Number.NaN).toBeLessThanOrEqual(m.mean + 1e-15);
        expect(m.high ?? Number.NaN).toBeGreaterThanOrEqual(m.mean - 1e-15);
        expect((w.high ?? 0) - (w.low ?? 0)).toBeGreaterThanOrEqual((m.high ?? 0) - (m.low ?? 0) - 1e-15);
      }),
    );
  });

  it('names the bad value', () => {
    expect(() => meanInterval([])).toThrow(/meanInterval: no values/);
    expect(() => meanInterval([1, Number.NaN])).toThrow(/value 1 is NaN/);
  });
});

describe('pairedComparison', () => {
  it('matches scipy.stats.ttest_rel (scipy 1.17.1)', () => {
    const small = pairedComparison([0.71, 0.73, 0.7], [0.7, 0.715, 0.69]);
    expect(small.t).toBeCloseTo(7.000000000000001, 10);
    expect(small.p).toBeCloseTo(0.019803941180393133, 12);
    expect(small.mean).toBeCloseTo(0.011666666666666678, 14);
    expect(small.low).toBeCloseTo(0.004495578783750901, 12);
    expect(small.high).toBeCloseTo(0.018837754549582454, 12);
    const six = pairedComparison([1.2, 3.4, 2.2, 5.0, 4.1, 3.3], [1.0, 3.9, 2.0, 4.2, 3.0, 3.35]);
    expect(six.t).toBeCloseTo(1.2354309203405367, 10);
    expect(six.p).toBeCloseTo(0.2715492239831392, 12);
    expect(six.df).toBe(5);
  });

  it('has no interval or test with one pair', () => {
    const one = pairedComparison([0.8], [0.7]);
    expect(one.mean).toBeCloseTo(0.1, 15);
    expect([one.low, one.high, one.t, one.p, one.df]).toEqual([null, null, null, null, null]);
  });

  it('says p = 1 for identical runs and p = 0 for a constant non-zero shift', () => {
    expect(pairedComparison([0.5, 0.6], [0.5, 0.6]).p).toBe(1);
    const shifted = pairedComparison([0.75, 0.5], [0.5, 0.25]);
    expect([shifted.t, shifted.p, shifted.low, shifted.high]).toEqual([Infinity, 0, 0.25, 0.25]);
  });

  it('swapping the sides negates the difference and keeps the p-value', () => {
    fc.assert(
      fc.property(
        sample.chain((a) =>
          fc.tuple(
            fc.constant(a),
            fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
              minLength: a.length,
              maxLength: a.length,
            }),
          ),
        ),
        ([a, b]) => {
          const ab = pairedComparison(a, b);
          const ba = pairedComparison(b, a);
          expect(ba.mean).toBeCloseTo(-ab.mean, 12);
          if (ab.p !== null && ba.p !== null) expect(ba.p).toBeCloseTo(ab.p, 9);
          if (ab.p !== null) expect(ab.p).toBeGreaterThanOrEqual(0);
          if (ab.p !== null) expect(ab.p).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('refuses unequal lengths', () => {
    expect(() => pairedComparison([1, 2], [1])).toThrow(/2 values against 1/);
  });
});
