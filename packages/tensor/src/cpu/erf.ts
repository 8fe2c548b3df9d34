/**
 * erf and the Gaussian exp(-x^2) for the CPU backend. Each is a cubic Hermite interpolant of the function
 * and its exact derivative on [0, 6] in steps of 1/128: |error| < 2e-10 (h^4 / 384 * max|f''''|),
 * C1-continuous, no exp() per element, and no data-dependent branch (the sign is restored arithmetically:
 * a branch on the sign of random activations mispredicts half the time, measured 9.5 vs 6.1 ms for GELU
 * over 819,200 values). Beyond 6, erf is 1 and exp(-x^2) is 0 to double precision.
 *
 * Each interval's two cubics are stored as power-basis coefficients side by side (erf's four, then the
 * Gaussian's four) in one fixed array: one index, one cache line, and a 3-step Horner evaluation instead
 * of the four Hermite basis polynomials (GELU over 819,200 values: 6.3 -> 4.2 ms).
 */
import { erfSeries } from '../reference/erf';

const STEPS_PER_UNIT = 128;
const LIMIT = 6;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
/** 1 / sqrt(2 pi): the standard normal density at 0. */
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const N = LIMIT * STEPS_PER_UNIT;
/** Per interval i (u = 128 |x| - i in [0, 1)): erf = e0 + u (e1 + u (e2 + u e3)), then g0..g3 for exp(-x^2). */
const COEFFS = new Float64Array(8 * N + 8);
/** Bounds indices into COEFFS for V8's range analysis (no overflow checks in callers' loops). */
const MASK = 0x3fff;

/** Power-basis coefficients of the cubic with values y0, y1 and slopes m0, m1 (per unit of u) at u = 0, 1. */
function putCubic(at: number, y0: number, y1: number, m0: number, m1: number): void {
  COEFFS[at] = y0;
  COEFFS[at + 1] = m0;
  COEFFS[at + 2] = 3 * (y1 - y0) - 2 * m0 - m1;
  COEFFS[at + 3] = 2 * (y0 - y1) + m0 + m1;
}

for (let i = 0, e0 = 0, g0 = 1; i < N; i++) {
  const x0 = i / STEPS_PER_UNIT;
  const x1 = (i + 1) / STEPS_PER_UNIT;
  const e1 = erfSeries(x1);
  const g1 = Math.exp(-x1 * x1);
  // Slopes per unit of u = 128 x: f'(x) / 128.
  putCubic(8 * i, e0, e1, (TWO_OVER_SQRT_PI * g0) / STEPS_PER_UNIT, (TWO_OVER_SQRT_PI * g1) / STEPS_PER_UNIT);
  putCubic(8 * i + 4, g0, g1, (-2 * x0 * g0) / STEPS_PER_UNIT, (-2 * x1 * g1) / STEPS_PER_UNIT);
  e0 = e1;
  g0 = g1;
}

/** The error function, accurate to 1e-10 absolute. NaN in, NaN out. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < LIMIT)) return Number.isNaN(ax) ? x : x < 0 ? -1 : 1;
  const t = ax * STEPS_PER_UNIT;
  const i = t | 0;
  const u = t - i;
  const o = (i << 3) & MASK;
  const y = COEFFS[o] + u * (COEFFS[o + 1] + u * (COEFFS[o + 2] + u * COEFFS[o + 3]));
  return y - 2 * y * +(x < 0); // -y for x < 0, without a branch
}

/** exp(-x^2), accurate to 2e-10 absolute (0 beyond |x| = 6, where it is below 3e-16). NaN in, NaN out. */
export function gaussian(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < LIMIT)) return Number.isNaN(ax) ? ax : 0;
  const t = ax * STEPS_PER_UNIT;
  const i = t | 0;
  const u = t - i;
  const o = ((i << 3) + 4) & MASK;
  return COEFFS[o] + u * (COEFFS[o + 1] + u * (COEFFS[o + 2] + u * COEFFS[o + 3]));
}

/**
 * The exact GELU's derivative d/dv [v Phi(v)] = Phi(v) + v phi(v) = 0.5 (1 + erf(z)) + v exp(-z^2) / sqrt(2 pi)
 * with z = v / sqrt 2, both read from one interval of the table. NaN in, NaN out.
 */
export function geluExactDerivative(v: number): number {
  const z = v * Math.SQRT1_2;
  const az = Math.abs(z);
  if (!(az < LIMIT)) return Number.isNaN(az) ? az : +(v > 0); // Phi is 0 or 1; v phi(v) < 1e-15
  const t = az * STEPS_PER_UNIT;
  const i = t | 0;
  const u = t - i;
  const o = (i << 3) & MASK;
  const e = COEFFS[o] + u * (COEFFS[o + 1] + u * (COEFFS[o + 2] + u * COEFFS[o + 3]));
  const g = COEFFS[o + 4] + u * (COEFFS[o + 5] + u * (COEFFS[o + 6] + u * COEFFS[o + 7]));
  return 0.5 * (1 + e - 2 * e * +(z < 0)) + v * INV_SQRT_2PI * g;
}
