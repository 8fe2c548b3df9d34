/**
 * Inputs for the op table: fast-check arbitraries (shapes with size-0 / size-1 dims, non-contiguous layouts,
 * values kept away from kinks) and small plain float64 reference helpers shared by the case files.
 */
import { broadcastShapes, elements, flatIndex, indices, NDArray, reducedShape } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { LAYOUTS, type Layout, layoutArray, shapeArb } from '../../../../testing/arrays';
import type { Draw, RefResult } from './types';

export const layoutArb = fc.constantFrom<Layout>(...LAYOUTS.filter((l) => l !== 'expanded'));

/**
 * `n` values in [lo, hi], pushed at least `gap` away from 0 (so finite differences stay on one side of
 * a kink); `distinct` adds a small per-element offset so extremes are unique (no ties).
 */
export function valuesArb(
  n: number,
  lo: number,
  hi: number,
  gap: number,
  distinct: boolean,
): fc.Arbitrary<number[]> {
  return fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: n, maxLength: n }).map((vs) =>
    vs.map((v, i) => {
      const w = gap > 0 && Math.abs(v) < gap ? (v < 0 ? -gap : gap) : v;
      return distinct ? w + i * 0.0137 : w;
    }),
  );
}

export function arr(
  shape: readonly number[],
  lo = -2,
  hi = 2,
  gap = 0,
  distinct = false,
): fc.Arbitrary<NDArray> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc
    .tuple(valuesArb(n, lo, hi, gap, distinct), layoutArb, fc.nat(3))
    .map(([v, layout, k]) => layoutArray(v, shape, layout, 'float64', k));
}

export function draw(
  shapes: fc.Arbitrary<number[][]>,
  lo = -2,
  hi = 2,
  gap = 0,
  ints: fc.Arbitrary<number[]> = fc.constant([]),
) {
  return shapes.chain((ss) =>
    fc.record({ arrays: fc.tuple(...ss.map((s) => arr(s, lo, hi, gap))), ints }),
  ) as fc.Arbitrary<Draw>;
}

export const small = shapeArb(0, 3, 3);
export const nonEmpty = shapeArb(1, 3, 3, 1);

/** Two shapes that broadcast: drop / set-to-1 some dims of a base shape for each side. */
export const broadcastPair: fc.Arbitrary<number[][]> = fc
  .tuple(shapeArb(0, 3, 3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.nat(2))
  .map(([s, ones, drop]) => {
    const b = s.map((d, i) => (ones[i] ? 1 : d)).slice(Math.min(drop, s.length));
    return [s, b];
  });

export function mapValues(x: NDArray, f: (v: number) => number): RefResult {
  return { shape: [...x.shape], values: elements(x).map(f) };
}

export function broadcastRef(a: NDArray, b: NDArray, f: (x: number, y: number) => number): RefResult {
  const shape = broadcastShapes('ref', a.shape, b.shape);
  const at = (x: NDArray, idx: number[]) => {
    const lead = idx.length - x.rank;
    return x.get(...x.shape.map((d, i) => (d === 1 ? 0 : idx[i + lead])));
  };
  return { shape, values: indices(shape).map((idx) => f(at(a, idx), at(b, idx))) };
}

/** Snaps a's values to multiples of 0.25 and b's to odd multiples of 0.125, so a and b never (nearly) tie. */
export function apart(x: NDArray, shift: number): NDArray {
  const out = x.clone();
  for (let i = 0; i < out.size; i++) out.data[i] = Math.round(out.data[i] * 4) / 4 + shift;
  return out;
}

export function axesOf(mask: number, rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i).filter((i) => (mask >> i) & 1);
}

export function refReduceOver(
  x: NDArray,
  axes: number[],
  keepdims: boolean,
  f: (vs: number[]) => number,
): RefResult {
  const kept = reducedShape(x.shape, axes, true);
  const groups = new Map<number, number[]>();
  for (const idx of indices(x.shape)) {
    const key = flatIndex(
      kept,
      idx.map((v, i) => (axes.includes(i) ? 0 : v)),
    );
    const list = groups.get(key) ?? [];
    list.push(x.get(...idx));
    groups.set(key, list);
  }
  const n = kept.reduce((a, b) => a * b, 1);
  return {
    shape: reducedShape(x.shape, axes, keepdims),
    values: Array.from({ length: n }, (_, k) => f(groups.get(k) ?? [])),
  };
}

export const sumOf = (vs: number[]) => vs.reduce((a, b) => a + b, 0);

export function softmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = sumOf(e);
  return e.map((v) => v / s);
}

export const lse = (row: number[]) => {
  const m = Math.max(...row);
  return m + Math.log(sumOf(row.map((v) => Math.exp(v - m))));
};

export function gatherIndex(d: Draw): Int32Array {
  const [r, c] = d.ints;
  return Int32Array.from({ length: r * 2 }, (_, k) => d.ints[2 + k] % c);
}

export function maskFor(d: Draw, shape: readonly number[]): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return NDArray.of(
    Float64Array.from({ length: n }, (_, i) => d.ints[i % d.ints.length]),
    shape,
  );
}
