/** The CPU backend's table-interpolated erf, exp(-x^2) and GELU derivative: accuracy, symmetry and edge values. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erf, gaussian, geluExactDerivative } from '../src/cpu/erf';
import { referenceErf as refErf } from '../src/index';

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

describe('geluExactDerivative', () => {
  const phi = (v: number) => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
  it('is within 3e-10 of Phi(v) + v phi(v) from the float64 reference erf', () => {
    fc.assert(
      fc.property(fc.double({ min: -12, max: 12, noNaN: true }), (v) => {
        const want = 0.5 * (1 + refErf(v * Math.SQRT1_2)) + v * phi(v);
        expect(Math.abs(geluExactDerivative(v) - want)).toBeLessThan(3e-10);
      }),
    );
  });

  it('keeps NaN and saturates to the step function far out', () => {
    expect(geluExactDerivative(Number.NaN)).toBeNaN();
    expect(geluExactDerivative(Number.POSITIVE_INFINITY)).toBe(1);
    expect(geluExactDerivative(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(geluExactDerivative(0)).toBe(0.5);
  });
});
