/** The CPU backend's table-interpolated erf and exp(-x^2): accuracy, symmetry and edge values. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erf, gaussian } from '../src/cpu/erf';
import { refErf } from './reference';

const anyX = fc.double({ min: -9, max: 9, noNaN: true });

describe('erf and gaussian tables', () => {
  it('gaussian(x) is within 2e-10 of exp(-x^2)', () => {
    fc.assert(fc.property(anyX, (x) => Math.abs(gaussian(x) - Math.exp(-x * x)) < 2e-10));
  });

  it('erf is within 1e-10 of the float64 reference and exactly odd', () => {
    fc.assert(
      fc.property(anyX, (x) => {
        expect(Math.abs(erf(x) - refErf(x))).toBeLessThan(1e-10);
        expect(erf(-x)).toBe(-erf(x) + 0); // + 0: erf(-0) and -erf(0) are both zero
      }),
    );
  });

  it('keeps NaN, saturates beyond the table and is exact at 0', () => {
    expect(erf(Number.NaN)).toBeNaN();
    expect(gaussian(Number.NaN)).toBeNaN();
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(-7)).toBe(-1);
    expect(gaussian(-7)).toBe(0);
    expect(erf(0)).toBe(0);
    expect(gaussian(0)).toBe(1);
  });
});
