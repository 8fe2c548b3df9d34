import { describe, expect, it } from 'vitest';
import { percentWithInterval, points, pointsWithInterval, pValue } from '../../src/stats/format';
import { meanInterval, pairedComparison } from '../../src/stats/intervals';

describe('how statistics are written', () => {
  it('percent with interval, and the mean alone for one seed', () => {
    expect(percentWithInterval(meanInterval([0.7, 0.72, 0.71]))).toMatch(
      /^71\.00% \[\d\d\.\d\d, \d\d\.\d\d\]$/,
    );
    expect(percentWithInterval(meanInterval([0.7]))).toBe('70.00%');
  });

  it('points carry a sign, and -0.00 reads +0.00', () => {
    expect([points(0.0055), points(-0.012), points(-0.00001)]).toEqual(['+0.55', '-1.20', '+0.00']);
    expect(pointsWithInterval(pairedComparison([0.8], [0.7]))).toBe('+10.00 pts');
  });

  it('p-values: none for one pair, "no spread" when every pair differs equally', () => {
    expect(pValue(pairedComparison([0.8], [0.7]))).toBe('-');
    expect(pValue(pairedComparison([0.5, 0.6], [0.5, 0.6]))).toBe('no spread: identical');
    expect(pValue(pairedComparison([0.75, 0.5], [0.5, 0.25]))).toBe('no spread: same Δ on every seed');
    expect(pValue(pairedComparison([0.71, 0.73, 0.7], [0.7, 0.715, 0.69]))).toBe('p = 0.020');
    expect(pValue(pairedComparison([0.9, 0.91, 0.92], [0.1, 0.12, 0.1]))).toBe('p < 0.001');
  });
});
