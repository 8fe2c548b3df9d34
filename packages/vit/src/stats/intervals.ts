/**
 * What a handful of seeds can say: the mean with its Student-t confidence interval, and the paired comparison
 * of two variants run on the same seeds (mean difference, its interval, and a two-sided paired t-test).
 * With one seed there is no spread to estimate: the interval and the test are null, and callers say so.
 */
import { studentTQuantile, studentTTwoSided } from './student-t';

/** The confidence level of every interval in the reports. */
export const CONFIDENCE = 0.95;

export interface MeanInterval {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); null when n < 2. */
  std: number | null;
  /** Bounds of the two-sided Student-t interval at `level`; null when n < 2. */
  low: number | null;
  high: number | null;
  level: number;
}

/** Mean and t interval (level 0.95 by default) of `xs`; throws on an empty list or a non-finite value. */
export function meanInterval(xs: readonly number[], level = CONFIDENCE): MeanInterval {
  checkSample('meanInterval', xs);
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { n, mean, std: null, low: null, high: null, level };
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(0.5 + level / 2, n - 1) * (std / Math.sqrt(n));
  return { n, mean, std, low: mean - half, high: mean + half, level };
}

/** The test `pairedComparison` runs, named wherever its p-value is shown. */
export const PAIRED_TEST = 'two-sided paired t-test';

export interface PairedComparison extends MeanInterval {
  /** t = mean / (std / √n) of the differences; ±Infinity when they are all equal and non-zero; null when n < 2. */
  t: number | null;
  /** Degrees of freedom, n - 1; null when n < 2. */
  df: number | null;
  /** Two-sided p-value of the paired t-test (1 when every difference is 0); null when n < 2. */
  p: number | null;
}

/**
 * a[i] - b[i] over pairs (the same seed): its mean, t interval and paired t-test of "mean difference = 0".
 * a and b must have the same length.
 */
export function pairedComparison(
  a: readonly number[],
  b: readonly number[],
  level = CONFIDENCE,
): PairedComparison {
  if (a.length !== b.length) {
    throw new RangeError(
      `pairedComparison: ${a.length} values against ${b.length}; pairs need equal lengths`,
    );
  }
  const diffs = a.map((x, i) => x - b[i]);
  const m = meanInterval(diffs, level);
  if (m.std === null) return { ...m, t: null, df: null, p: null };
  const df = m.n - 1;
  if (m.std === 0) {
    // Identical differences: no noise to test against (deterministic runs, or identical models).
    return m.mean === 0 ? { ...m, t: 0, df, p: 1 } : { ...m, t: m.mean > 0 ? Infinity : -Infinity, df, p: 0 };
  }
  const t = m.mean / (m.std / Math.sqrt(m.n));
  return { ...m, t, df, p: studentTTwoSided(t, df) };
}

function checkSample(op: string, xs: readonly number[]): void {
  if (xs.length === 0) throw new RangeError(`${op}: no values`);
  const bad = xs.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`${op}: value ${bad} is ${xs[bad]}, not a finite number`);
}
