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

/** Pushes a four-lane constant. */
export function splat(f: FunctionBuilder, x: number): FunctionBuilder {
  return f.f32(x).op('f32x4.splat');
}

/**
 * e^t for the vector in `t` (meant for t <= 0; up to 88 is still right), left on the stack. Lanes with
 * t < -87.5, -Infinity included, give 0; NaN stays NaN. Range-reduced to 2^n e^r with |r| <= ln2 / 2,
 * e^r a degree-7 polynomial, 2^n built from its exponent bits. Scratch: n, r, low (v128 locals).
 */
export function expF32x4(f: FunctionBuilder, t: Local, s: { n: Local; r: Local; low: Local }): void {
  const { n, r, low } = s;
  f.get(t).f32(EXP_MIN).op('f32x4.splat').op('f32x4.lt').set(low); // lanes to flush to 0
  f.get(t).f32(EXP_MIN).op('f32x4.splat').op('f32x4.max').set(t);
  // n = nearest(t / ln 2), r = t - n ln2 (in two parts, so r keeps its low bits)
  f.get(t).f32(Math.LOG2E).op('f32x4.splat').op('f32x4.mul').op('f32x4.nearest').set(n);
  f.get(t).get(n).f32(LN2_HI).op('f32x4.splat').op('f32x4.mul').op('f32x4.sub');
  f.get(n).f32(LN2_LO).op('f32x4.splat').op('f32x4.mul').op('f32x4.sub').set(r);
  // e^r = 1 + r + r^2 P(r), by Horner
  splat(f, EXP_P[0]);
  for (const c of EXP_P.slice(1)) f.get(r).op('f32x4.mul').f32(c).op('f32x4.splat').op('f32x4.add');
  f.get(r).get(r).op('f32x4.mul').op('f32x4.mul').get(r).op('f32x4.add');
  f.f32(1).op('f32x4.splat').op('f32x4.add');
  // * 2^n: (n + 127) << 23 is 2^n's bit pattern (n >= -126 after the clamp)
  f.get(n).op('i32x4.trunc_sat_f32x4_s').i32(127).op('i32x4.splat').op('i32x4.add').i32(23).op('i32x4.shl');
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
