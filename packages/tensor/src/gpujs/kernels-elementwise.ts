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
  sin: function (x) {
    return Math.sin(x[this.thread.x]);
  },
  cos: function (x) {
    return Math.cos(x[this.thread.x]);
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
