/**
 * How intervals and paired tests are written in tables: accuracies as percent, differences in percentage
 * points, and a single seed said in words (no interval, no test) rather than as a spread of zero.
 */
import type { MeanInterval, PairedComparison } from './intervals';

/** 0.7123 -> '71.23%'. */
export const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** 0.0055 -> '+0.55', in percentage points. */
export function points(x: number): string {
  const s = (100 * x).toFixed(2);
  if (s === '-0.00') return '+0.00';
  return s.startsWith('-') ? s : `+${s}`;
}

/** '71.23% [70.10, 72.36]' (95 % interval in percent), or '71.23%' when one seed gave no interval. */
export function percentWithInterval(m: MeanInterval): string {
  if (m.low === null || m.high === null) return percent(m.mean);
  return `${percent(m.mean)} [${(100 * m.low).toFixed(2)}, ${(100 * m.high).toFixed(2)}]`;
}

/** '+0.55 pts [-0.20, +1.30]', or '+0.55 pts' with one pair. */
export function pointsWithInterval(d: PairedComparison): string {
  if (d.low === null || d.high === null) return `${points(d.mean)} pts`;
  return `${points(d.mean)} pts [${points(d.low)}, ${points(d.high)}]`;
}

/**
 * 'p = 0.031', 'p < 0.001', '-' when there is no test (one pair), or 'no spread' when every pair differs by
 * the same amount (a t-test has no noise to weigh that against: identical or deterministic runs).
 */
export function pValue(d: PairedComparison): string {
  if (d.p === null) return '-';
  if (d.std === 0) return d.mean === 0 ? 'no spread: identical' : 'no spread: same Δ on every seed';
  return d.p < 0.001 ? 'p < 0.001' : `p = ${d.p.toFixed(3)}`;
}
