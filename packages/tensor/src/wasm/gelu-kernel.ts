/**
 * GELU (exact form) and its derivative as WebAssembly SIMD loops over f32x4 vectors:
 *   gelu(x)  = 0.5 x (1 + erf(x / sqrt 2))
 *   gelu'(x) = Phi(x) + x phi(x) = 0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi)
 * erf is a rational approximation in float32 (odd degree-13 numerator over a degree-8 denominator in x^2,
 * input clamped to [-4, 4]; |error| < 5e-7, measured in the tests); exp is range-reduced to
 * 2^n e^r with |r| <= ln2 / 2, e^r a degree-7 polynomial, and 2^n built from its exponent bits.
 * Both loops take n a multiple of 4 (the caller pads); every lane is computed the same way.
 */
import { FunctionBuilder, type Local } from './function-builder';

/** erf(x) = x p(x^2) / q(x^2) on [-4, 4] (coefficients of the float32 erf in Eigen / XLA). */
const ERF_P = [
  -2.72614225801306e-10, 2.77068142495902e-8, -2.10102402082508e-6, -5.69250639462346e-5,
  -7.34990630326855e-4, -2.95459980854025e-3, -1.60960333262415e-2,
];
const ERF_Q = [
  -1.45660718464996e-5, -2.13374055278905e-4, -1.68282697438203e-3, -7.37332916720468e-3,
  -1.42647390514189e-2,
];
/** e^r - 1 - r = r^2 (P0 r^5 + ... + P5) on |r| <= ln2 / 2 (Cephes expf). */
const EXP_P = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
];
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;

/** Pushes a four-lane constant. */
function splat(f: FunctionBuilder, x: number): FunctionBuilder {
  return f.f32(x).op('f32x4.splat');
}

/** Horner: acc = ((c0 t + c1) t + c2) ... on the vector in `t`, left on the stack. */
function horner(f: FunctionBuilder, t: Local, coeffs: readonly number[]): void {
  splat(f, coeffs[0]);
  for (const c of coeffs.slice(1)) f.get(t).op('f32x4.mul').f32(c).op('f32x4.splat').op('f32x4.add');
}

/** erf of the vector in `x`, left on the stack (uses scratch locals u, u2). */
function erf(f: FunctionBuilder, x: Local, u: Local, u2: Local): void {
  f.get(x).f32(-4).op('f32x4.splat').op('f32x4.max').f32(4).op('f32x4.splat').op('f32x4.min').set(u);
  f.get(u).get(u).op('f32x4.mul').set(u2);
  f.get(u);
  horner(f, u2, ERF_P);
  f.op('f32x4.mul');
  horner(f, u2, ERF_Q);
  f.op('f32x4.div');
}

/** e^t for the vector in `t` (t <= 0 here; clamped at -87), left on the stack (scratch n, r). */
function exp(f: FunctionBuilder, t: Local, n: Local, r: Local): void {
  f.get(t).f32(-87).op('f32x4.splat').op('f32x4.max').set(t);
  // n = nearest(t / ln 2), r = t - n ln2 (in two parts, so r keeps its low bits)
  f.get(t).f32(Math.LOG2E).op('f32x4.splat').op('f32x4.mul').op('f32x4.nearest').set(n);
  f.get(t).get(n).f32(LN2_HI).op('f32x4.splat').op('f32x4.mul').op('f32x4.sub');
  f.get(n).f32(LN2_LO).op('f32x4.splat').op('f32x4.mul').op('f32x4.sub').set(r);
  // e^r = 1 + r + r^2 P(r)
  horner(f, r, EXP_P);
  f.get(r)
    .get(r)
    .op('f32x4.mul')
    .op('f32x4.mul')
    .get(r)
    .op('f32x4.add')
    .f32(1)
    .op('f32x4.splat')
    .op('f32x4.add');
  // * 2^n: (n + 127) << 23 is 2^n's bit pattern
  f.get(n).op('i32x4.trunc_sat_f32x4_s').i32(127).op('i32x4.splat').op('i32x4.add').i32(23).op('i32x4.shl');
  f.op('f32x4.mul');
}

/** A loop over i in [0, n) step 4 with byte pointers advanced by 16 each step; `body` sees the pointers. */
function vectorLoop(f: FunctionBuilder, n: Local, pointers: readonly Local[], body: () => void): void {
  f.block('done', () => {
    f.loop('next', () => {
      f.get(n).i32(0).op('i32.le_s').brIf('done');
      body();
      for (const p of pointers) f.get(p).i32(16).op('i32.add').set(p);
      f.get(n).i32(4).op('i32.sub').set(n).br('next');
    });
  });
}

/** `gelu_f32(src, dst, n)`: dst[i] = gelu(src[i]) for n floats (byte addresses, n a multiple of 4). */
export function emitGelu(): FunctionBuilder {
  const f = new FunctionBuilder('gelu_f32', { src: 'i32', dst: 'i32', n: 'i32' });
  const [src, dst, n] = f.params;
  const x = f.local('x', 'v128');
  const u = f.local('u', 'v128');
  const u2 = f.local('u2', 'v128');
  vectorLoop(f, n, [src, dst], () => {
    f.get(src).mem('v128.load').set(x);
    // dst = 0.5 x (1 + erf(x / sqrt 2))
    f.get(dst);
    f.get(x).f32(Math.SQRT1_2).op('f32x4.splat').op('f32x4.mul').set(u2);
    erf(f, u2, u, u2);
    f.f32(1)
      .op('f32x4.splat')
      .op('f32x4.add')
      .get(x)
      .op('f32x4.mul')
      .f32(0.5)
      .op('f32x4.splat')
      .op('f32x4.mul');
    f.mem('v128.store');
  });
  return f;
}

/** `gelu_grad_f32(x, dy, dst, n)`: dst[i] = dy[i] gelu'(x[i]). */
export function emitGeluGrad(): FunctionBuilder {
  const f = new FunctionBuilder('gelu_grad_f32', { x: 'i32', dy: 'i32', dst: 'i32', n: 'i32' });
  const [px, pdy, dst, n] = f.params;
  const x = f.local('x', 'v128');
  const u = f.local('u', 'v128');
  const u2 = f.local('u2', 'v128');
  const t = f.local('t', 'v128');
  const cdf = f.local('cdf', 'v128');
  vectorLoop(f, n, [px, pdy, dst], () => {
    f.get(px).mem('v128.load').set(x);
    // cdf = 0.5 (1 + erf(x / sqrt 2))
    f.get(x).f32(Math.SQRT1_2).op('f32x4.splat').op('f32x4.mul').set(u2);
    erf(f, u2, u, u2);
    f.f32(1).op('f32x4.splat').op('f32x4.add').f32(0.5).op('f32x4.splat').op('f32x4.mul').set(cdf);
    // t = -x^2 / 2; dst = dy (cdf + x e^t / sqrt(2 pi))
    f.get(x).get(x).op('f32x4.mul').f32(-0.5).op('f32x4.splat').op('f32x4.mul').set(t);
    f.get(dst);
    f.get(x);
    exp(f, t, u, u2);
    f.op('f32x4.mul')
      .f32(1 / Math.sqrt(2 * Math.PI))
      .op('f32x4.splat')
      .op('f32x4.mul');
    f.get(cdf).op('f32x4.add').get(pdy).mem('v128.load').op('f32x4.mul');
    f.mem('v128.store');
  });
  return f;
}
