/**
 * exp for the softmax inside fused attention, where every argument is s - max <= 0 (or s - lse). Math.exp is
 * a call into V8's fdlibm port (about 9 ns here); this one inlines into the loop: x = (64 m + j) ln2 / 64 + r
 * with |r| <= ln2 / 128, exp(r) by a degree-5 Taylor polynomial (truncation < 1e-16 relative), 2^(j/64) and
 * 2^m from tables. Within a couple of ulp of Math.exp; deterministic (plain float64 arithmetic).
 */

/** ln 2 / 64 split so that k * LN2_64_HI is exact for |k| < 2^20 (fdlibm's ln2_hi / 64). */
const LN2_64_HI = 6.9314718036912382e-1 / 64;
const LN2_64_LO = 1.9082149292705877e-10 / 64;
const INV_LN2_64 = 64 / Math.LN2;
/** STEP[j] = 2^(j / 64). */
const STEP = Float64Array.from({ length: 64 }, (_, j) => 2 ** (j / 64));
/** POW2[i] = 2^-i for i in [0, 1075] (exact, subnormals included). */
const POW2 = Float64Array.from({ length: 1076 }, (_, i) => 2 ** -i);

/** exp(x), fast for x <= 0; x > 0 (rounding of a stored lse) takes Math.exp. NaN stays NaN, -Infinity gives 0. */
export function expNonPositive(x: number): number {
  if (x > 0) return Math.exp(x);
  if (!(x > -745.1)) return Number.isNaN(x) ? x : 0;
  const k = (x * INV_LN2_64 - 0.5) | 0; // nearest integer (x <= 0), in [-68800, 0]
  const r = x - k * LN2_64_HI - k * LN2_64_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return p * STEP[k & 63] * POW2[-(k >> 6)];
}
