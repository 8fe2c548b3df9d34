/**
 * Element-wise gpu.js kernel bodies over flat float32 buffers: one output element per thread (1-d output, so the
 * 3-dim output limit never applies). Each body is a self-contained `function` expression: gpu.js translates its
 * source to a shader, so it may not call imported helpers, use arrow functions or read anything but its
 * arguments, `this.thread` and `this.constants`.
 */
import type { IKernelFunctionThis } from 'gpu.js';
import type { BinaryOp, CompareOp, UnaryOp } from '../backend';

/** Loop bounds and sizes baked into a kernel when it is built. */
export interface KernelConstants {
  readonly [name: string]: number;
}

/** A gpu.js kernel body: flat float32 buffers in, one number per thread out. */
export type KernelBody = (this: IKernelFunctionThis<KernelConstants>, ...args: Float32Array[]) => number;

export const UNARY_BODIES: Record<UnaryOp, KernelBody> = {
  neg: function (x) {
    return -x[this.thread.x];
  },
  abs: function (x) {
    return Math.abs(x[this.thread.x]);
  },
  exp: function (x) {
    return Math.exp(x[this.thread.x]);
  },
  log: function (x) {
    return Math.log(x[this.thread.x]);
  },
  sqrt: function (x) {
    return Math.sqrt(x[this.thread.x]);
  },
  rsqrt: function (x) {
    return 1 / Math.sqrt(x[this.thread.x]);
  },
  // sin / cos: shader sin and cos may be far from fp32-exact (SwiftShader: relative error 2e-4 near 0), so
  // reduce v = k pi/2 + r with pi/2 split in three (Cody-Waite: k * part is exact for |k| < 2^9) and evaluate
  // Taylor polynomials on |r| <= pi/4 (truncation < 3e-8). Accurate for |v| up to about 1e3. gpu.js compiles each
  // body on its own (no shared helpers, no closures), so cos repeats sin's reduction and only picks the quadrant.
  sin: function (x) {
    const v = x[this.thread.x];
    const k = Math.round(v * 0.6366197723675814);
    const r = v - k * 1.5703125 - k * 0.00048375129699707031 - k * 7.549789954891882e-8;
    const r2 = r * r;
    const s =
      r +
      r *
        r2 *
        (-0.16666666666666666 +
          r2 * (0.008333333333333333 + r2 * (-0.0001984126984126984 + r2 * 0.0000027557319223985893)));
    const c =
      1 +
      r2 * (-0.5 + r2 * (0.041666666666666664 + r2 * (-0.001388888888888889 + r2 * 0.0000248015873015873)));
    const q = k - Math.floor(k / 4) * 4;
    if (q === 0) return s;
    if (q === 1) return c;
    if (q === 2) return -s;
    return -c;
  },
  cos: function (x) {
    const v = x[this.thread.x];
    const k = Math.round(v * 0.6366197723675814);
    const r = v - k * 1.5703125 - k * 0.00048375129699707031 - k * 7.549789954891882e-8;
    const r2 = r * r;
    const s =
      r +
      r *
        r2 *
        (-0.16666666666666666 +
          r2 * (0.008333333333333333 + r2 * (-0.0001984126984126984 + r2 * 0.0000027557319223985893)));
    const c =
      1 +
      r2 * (-0.5 + r2 * (0.041666666666666664 + r2 * (-0.001388888888888889 + r2 * 0.0000248015873015873)));
    const q = k - Math.floor(k / 4) * 4;
    if (q === 0) return c;
    if (q === 1) return -s;
    if (q === 2) return -c;
    return s;
  },
  tanh: function (x) {
    // tanh(v) = sign(v) (1 - e) / (1 + e) with e = exp(-2|v|): no overflow, no cancellation near 0 beyond fp32.
    const v = x[this.thread.x];
    const a = Math.abs(v);
    if (a < 0.0005) return v;
    const e = Math.exp(-2 * a);
    const t = (1 - e) / (1 + e);
    if (v < 0) return -t;
    return t;
  },
  sigmoid: function (x) {
    return 1 / (1 + Math.exp(-x[this.thread.x]));
  },
  relu: function (x) {
    return Math.max(x[this.thread.x], 0);
  },
  erf: function (x) {
    // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for float32.
    const v = x[this.thread.x];
    const a = Math.abs(v);
    const t = 1 / (1 + 0.3275911 * a);
    const poly =
      t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    const r = 1 - poly * Math.exp(-a * a);
    if (v < 0) return -r;
    return r;
  },
  sign: function (x) {
    const v = x[this.thread.x];
    if (v > 0) return 1;
    if (v < 0) return -1;
    return v;
  },
  square: function (x) {
    const v = x[this.thread.x];
    return v * v;
  },
  reciprocal: function (x) {
    return 1 / x[this.thread.x];
  },
};

export const BINARY_BODIES: Record<BinaryOp, KernelBody> = {
  add: function (a, b) {
    return a[this.thread.x] + b[this.thread.x];
  },
  sub: function (a, b) {
    return a[this.thread.x] - b[this.thread.x];
  },
  mul: function (a, b) {
    return a[this.thread.x] * b[this.thread.x];
  },
  div: function (a, b) {
    return a[this.thread.x] / b[this.thread.x];
  },
  pow: function (a, b) {
    // Shader pow is exp2(b * log2(a)): undefined for a < 0 and for 0^0, so handle signs and integers here.
    const x = a[this.thread.x];
    const y = b[this.thread.x];
    if (y === 0) return 1;
    if (x > 0) return x ** y;
    if (x === 0) {
      if (y > 0) return 0;
      return 1 / x;
    }
    if (Math.floor(y) !== y) return Math.sqrt(x);
    const m = (-x) ** y;
    if (Math.floor(y / 2) * 2 === y) return m;
    return -m;
  },
  maximum: function (a, b) {
    return Math.max(a[this.thread.x], b[this.thread.x]);
  },
  minimum: function (a, b) {
    return Math.min(a[this.thread.x], b[this.thread.x]);
  },
};

export const COMPARE_BODIES: Record<CompareOp, KernelBody> = {
  eq: function (a, b) {
    if (a[this.thread.x] === b[this.thread.x]) return 1;
    return 0;
  },
  ne: function (a, b) {
    if (a[this.thread.x] !== b[this.thread.x]) return 1;
    return 0;
  },
  lt: function (a, b) {
    if (a[this.thread.x] < b[this.thread.x]) return 1;
    return 0;
  },
  le: function (a, b) {
    if (a[this.thread.x] <= b[this.thread.x]) return 1;
    return 0;
  },
  gt: function (a, b) {
    if (a[this.thread.x] > b[this.thread.x]) return 1;
    return 0;
  },
  ge: function (a, b) {
    if (a[this.thread.x] >= b[this.thread.x]) return 1;
    return 0;
  },
};
