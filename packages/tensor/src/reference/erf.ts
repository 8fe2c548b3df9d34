/**
 * erf from its everywhere-convergent series with positive terms (no cancellation, unlike the Taylor series):
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)). About 1e-16 relative error;
 * slow (up to ~150 terms near |x| = 6). The CPU backend builds its erf table from it.
 */
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erf(x): the series up to |x| = 6; beyond, erf is +-1 to double precision. */
export function referenceErf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) > 6) return Math.sign(x);
  return erfSeries(x);
}
