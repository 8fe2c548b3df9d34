/** The oracle and the assertions shared by the backend contract files. */
import { expect } from 'vitest';
import { elements, NDArray, offsetsOf, referenceBackend } from '../src/index';

/**
 * The oracle every backend is compared with: the reference backend (src/reference/), run on float64 copies of
 * the inputs so its results carry no float32 rounding.
 */
export const oracle = referenceBackend;

/** A dense float64 copy of x (int32 stays int32: index and mask inputs keep their dtype). */
export function f64(x: NDArray): NDArray {
  return x.dtype === 'int32' ? x : oracle.cast(x, 'float64');
}

/** |x| element-wise in float64: with it the oracle gives magnitude bounds (sum |a||b|) for float32 tolerances. */
export function abs64(x: NDArray): NDArray {
  return oracle.unary.abs(f64(x));
}

/** Property runs per kernel: enough to hit every layout and the size-0 / size-1 cases, fast on 2 cores. */
export const RUNS = { numRuns: 40 };

/** Fails with the first element outside atol + rtol * |want| (NaN must match NaN, infinities exactly). */
export function expectClose(
  got: NDArray,
  shape: readonly number[],
  want: readonly number[],
  rtol: number,
  atol: number | readonly number[],
): void {
  expect(got.shape).toEqual([...shape]);
  expect(got.isDense).toBe(true);
  const g = elements(got);
  expect(g.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const tol = (typeof atol === 'number' ? atol : atol[i]) + rtol * Math.abs(w);
    const ok = Number.isNaN(w)
      ? Number.isNaN(g[i])
      : !Number.isFinite(w)
        ? g[i] === w
        : Math.abs(g[i] - w) <= tol;
    if (!ok) expect.fail(`element ${i} of [${got.shape.join(', ')}]: got ${g[i]}, want ${w} (tol ${tol})`);
  }
}

/** The same view (same layout, fresh storage) with f applied to every element. */
export function mapValues(x: NDArray, f: (v: number) => number): NDArray {
  const data = x.data.slice();
  for (const o of offsetsOf(x)) data[o] = f(data[o]);
  return new NDArray(data, x);
}

/** expectClose against the oracle's result `want` (its shape and values). */
export function expectLike(
  got: NDArray,
  want: NDArray,
  rtol: number,
  atol: number | readonly number[],
): void {
  expectClose(got, want.shape, elements(want), rtol, atol);
}

/** Per-element tolerances rel * magnitude + abs, from a magnitude bound such as oracle.matmul(|a|, |b|). */
export function tolerances(magnitude: NDArray, rel: number, abs: number): number[] {
  return elements(magnitude).map((m) => rel * m + abs);
}
