/** Assertions shared by the backend contract files. */
import { expect } from 'vitest';
import { NDArray, offsetsOf } from '../src/index';
import { elements } from './reference';

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
