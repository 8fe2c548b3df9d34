import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logGamma, studentTCdf, studentTQuantile, studentTTwoSided } from '../../src/stats/student-t';

// Reference values computed with scipy 1.17.1 (Debian python3-scipy): stats.t.ppf(0.975, df).
const T975: readonly [number, number][] = [
  [1, 12.706204736174694],
  [2, 4.302652729749462],
  [3, 3.1824463052837078],
  [4, 2.7764451051977934],
  [5, 2.5705818356363146],
  [9, 2.262157162798205],
  [19, 2.0930240544083087],
  [29, 2.045229642132703],
  [100, 1.9839715185235518],
];

// scipy 1.17.1: (t, df, stats.t.cdf(t, df), 2 * stats.t.sf(|t|, df)).
const CDF: readonly [number, number, number, number][] = [
  [0.5, 3, 0.6742760175759245, 0.651447964848151],
  [2.0, 4, 0.9419417382415922, 0.11611652351681556],
  [-1.3, 7, 0.11738391769618862, 0.23476783539237725],
  [4.2, 2, 0.9738583665268504, 0.05228326694629917],
  [10, 1, 0.9682744825694465, 0.06345103486110713],
  [0.01, 50, 0.5039694593164286, 0.992061081367143],
];

describe('Student t distribution', () => {
  it('matches scipy quantiles t(0.975, df)', () => {
    for (const [df, q] of T975) expect(studentTQuantile(0.975, df)).toBeCloseTo(q, 10);
  });

  it('matches scipy CDF and two-sided tail values', () => {
    for (const [t, df, cdf, two] of CDF) {
      expect(studentTCdf(t, df)).toBeCloseTo(cdf, 12);
      expect(studentTTwoSided(t, df)).toBeCloseTo(two, 12);
    }
  });

  it('ln Γ matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(20.5)).toBeCloseTo(40.8315009745308, 10); // scipy.special.gammaln(20.5)
  });

  it('CDF is symmetric, monotone, and the quantile inverts it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        (t, dt, df) => {
          expect(studentTCdf(t, df) + studentTCdf(-t, df)).toBeCloseTo(1, 12);
          expect(studentTCdf(t + dt, df)).toBeGreaterThanOrEqual(studentTCdf(t, df) - 1e-15);
          const p = studentTCdf(t, df);
          if (p > 1e-9 && p < 1 - 1e-9) expect(studentTQuantile(p, df)).toBeCloseTo(t, 6);
        },
      ),
    );
  });

  it('refuses p outside (0, 1) and df <= 0 with the values in the message', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/p = 1, df = 3/);
    expect(() => studentTQuantile(0.5, 0)).toThrow(/studentTQuantile/);
  });
});
