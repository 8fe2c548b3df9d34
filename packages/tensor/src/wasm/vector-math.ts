/**
 * Emitters shared by the softmax-shaped kernels: exp of a non-positive f32x4 (exact zeros below the float32
 * range, so masked -Infinity scores give weight 0), lane reductions in a fixed order (results do not depend
 * on how rows are split between threads), and counted loops over rows and over vectors of a row.
 */
import type { FunctionBuilder, Local } from './function-builder';

/** e^r - 1 - r = r^2 (P0 r^5 + ... + P5) on |r| <= ln2 / 2 (Cephes expf). */
const EXP_P = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
];
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
/** Below this e^t is under float32's smallest normal; the result is flushed to an exact 0. */
const EXP_MIN = -87.5;
/**
 * 1.5 * 2^23: adding it to |x| < 2^22 rounds x to the nearest integer (ties to even, as f32x4.nearest) and
 * leaves that integer in the low mantissa bits, so 2^n's bit pattern is (bits + 127) << 23 (the shift
 * drops the constant's own bits) with no float-to-int conversion.
 */
const SHIFTER = 12582912;

/** Pushes a four-lane constant. */
export function splat(f: FunctionBuilder, x: number): FunctionBuilder {
  return f.f32(x).op('f32x4.splat');
}

/** The vector constants of expF32x4, splatted once into locals before the loops that use them. */
export interface ExpConstants {
  readonly min: Local;
  readonly log2e: Local;
  readonly shifter: Local;
  readonly ln2hi: Local;
  readonly ln2lo: Local;
  readonly one: Local;
  readonly bias: Local;
  readonly poly: readonly Local[];
}

/** Declares expF32x4's constants and emits their initialisation here (call it before the loops). */
export function expConstants(f: FunctionBuilder): ExpConstants {
  const c = (name: string, x: number) => {
    const l = f.local(`exp_${name}`, 'v128');
    splat(f, x).set(l);
    return l;
  };
  const bias = f.local('exp_bias', 'v128');
  f.i32(127).op('i32x4.splat').set(bias);
  return {
    min: c('min', EXP_MIN),
    log2e: c('log2e', Math.LOG2E),
    shifter: c('shifter', SHIFTER),
    ln2hi: c('ln2hi', LN2_HI),
    ln2lo: c('ln2lo', LN2_LO),
    one: c('one', 1),
    bias,
    poly: EXP_P.map((x, i) => c(`p${i}`, x)),
  };
}

/**
 * e^t for the vector in `t` (meant for t <= 0; up to 88 is still right), left on the stack. Lanes with
 * t < -87.5, -Infinity included, give 0; NaN stays NaN. Range-reduced to 2^n e^r with |r| <= ln2 / 2,
 * e^r a degree-7 polynomial, 2^n built from its exponent bits. Scratch: n, r, low (v128 locals).
 */
export function expF32x4(
  f: FunctionBuilder,
  t: Local,
  k: ExpConstants,
  s: { n: Local; r: Local; low: Local },
): void {
  const { n, r, low } = s;
  f.get(t).get(k.min).op('f32x4.lt').set(low); // lanes to flush to 0
  // Flushed lanes go on as 0, not as EXP_MIN: e^-87.5 is a float32 subnormal, which the multiply by 2^n
  // would produce at a slow-path cost (its bits are cleared below either way).
  f.get(t).get(k.min).op('f32x4.max').get(low).op('v128.andnot').set(t);
  // n = round(t / ln 2) + SHIFTER (the integer sits in n's low bits); r = t - n ln2 in two parts, so r
  // keeps its low bits
  f.get(t).get(k.log2e).op('f32x4.mul').get(k.shifter).op('f32x4.add').set(n);
  f.get(t).get(n).get(k.shifter).op('f32x4.sub').tee(r).get(k.ln2hi).op('f32x4.mul').op('f32x4.sub');
  f.get(r).get(k.ln2lo).op('f32x4.mul').op('f32x4.sub').set(r);
  // e^r = 1 + r + r^2 P(r), by Horner
  f.get(k.poly[0]);
  for (const c of k.poly.slice(1)) f.get(r).op('f32x4.mul').get(c).op('f32x4.add');
  f.get(r).get(r).op('f32x4.mul').op('f32x4.mul').get(r).op('f32x4.add');
  f.get(k.one).op('f32x4.add');
  // * 2^n: (bits of n + 127) << 23 is 2^n's bit pattern (n >= -126 after the clamp)
  f.get(n).get(k.bias).op('i32x4.add').i32(23).op('i32x4.shl');
  f.op('f32x4.mul');
  // clear the flushed lanes: result & ~low
  f.get(low).op('v128.andnot');
}

/** The four lanes of `v` summed as (l0 + l1) + (l2 + l3), left on the stack as an f32. */
export function laneSum(f: FunctionBuilder, v: Local): void {
  f.get(v).lane('f32x4.extract_lane', 0).get(v).lane('f32x4.extract_lane', 1).op('f32.add');
  f.get(v).lane('f32x4.extract_lane', 2).get(v).lane('f32x4.extract_lane', 3).op('f32.add');
  f.op('f32.add');
}

/** The largest of the four lanes of `v` (NaN if any lane is NaN), left on the stack as an f32. */
export function laneMax(f: FunctionBuilder, v: Local): void {
  f.get(v).lane('f32x4.extract_lane', 0).get(v).lane('f32x4.extract_lane', 1).op('f32.max');
  f.get(v).lane('f32x4.extract_lane', 2).get(v).lane('f32x4.extract_lane', 3).op('f32.max');
  f.op('f32.max');
}

/** `count` times body(), counting down in `left` (the body must not change it); `label` names the loop. */
export function countedLoop(
  f: FunctionBuilder,
  label: string,
  count: Local,
  left: Local,
  body: () => void,
): void {
  f.get(count).set(left);
  f.block(`${label}_done`, () => {
    f.loop(label, () => {
      f.get(left).i32(0).op('i32.le_s').brIf(`${label}_done`);
      body();
      f.get(left).i32(1).op('i32.sub').set(left).br(label);
    });
  });
}

/** body() for each byte offset `at` = 0, 16, 32, ... below `bytes` (one row's vectors; the body adds its row pointers). */
export function vectorLoop(
  f: FunctionBuilder,
  label: string,
  bytes: Local,
  at: Local,
  body: () => void,
): void {
  f.i32(0).set(at);
  f.block(`${label}_done`, () => {
    f.loop(label, () => {
      f.get(at).get(bytes).op('i32.ge_s').brIf(`${label}_done`);
      body();
      f.get(at).i32(16).op('i32.add').set(at).br(label);
    });
  });
}
