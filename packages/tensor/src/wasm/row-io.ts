/**
 * Copies between tensor storage and rows in the arena whose length is rounded up to whole vectors: the
 * row kernels (softmax, attention's score rows) step four floats at a time and never see a partial vector.
 */

import type { TypedArray } from '../dtype';

/** n rounded up to a multiple of m. */
export function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/** Rows of n floats from `src` into `dst` at float index `at`, ld floats apart, each padded with `pad`. */
export function rowsIn(
  src: Float32Array,
  n: number,
  dst: Float32Array,
  at: number,
  ld: number,
  pad: number,
): void {
  const rows = n === 0 ? 0 : src.length / n;
  if (ld === n) {
    dst.set(src, at);
    return;
  }
  for (let r = 0; r < rows; r++) {
    dst.set(src.subarray(r * n, (r + 1) * n), at + r * ld);
    dst.fill(pad, at + r * ld + n, at + (r + 1) * ld);
  }
}

/** The inverse of rowsIn: `rows` rows of n floats at float index `at`, ld apart, into a dense `out`. */
export function rowsOut(
  src: Float32Array,
  at: number,
  ld: number,
  rows: number,
  n: number,
  out: TypedArray,
): void {
  if (ld === n) {
    out.set(src.subarray(at, at + rows * n));
    return;
  }
  for (let r = 0; r < rows; r++) out.set(src.subarray(at + r * ld, at + r * ld + n), r * n);
}
