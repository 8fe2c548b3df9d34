/**
 * fast-check arbitraries for the backend contract: shapes with size-0 and size-1 dims, and the same
 * logical shape materialised in different layouts (dense, offset, permuted, sliced with steps, expanded).
 */
import fc from 'fast-check';
import { allocate, type DType, NDArray, offsetsOf, sizeOf } from '../packages/tensor/src/index';

export const LAYOUTS = ['dense', 'offset', 'permuted', 'strided', 'expanded'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** Shapes of rank minRank..maxRank with dims in [0, maxDim] (0 and 1 are frequent). */
export function shapeArb(minRank = 0, maxRank = 4, maxDim = 4, minDim = 0): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** Values exactly representable in float32, in [-range, range]. */
export function valueArb(range = 4): fc.Arbitrary<number> {
  return fc.double({ min: -range, max: range, noNaN: true }).map(Math.fround);
}

/**
 * An NDArray of `shape` whose storage layout is `layout`. The logical values come from `values`
 * (cycled), except that an expanded layout repeats its values along the broadcast dims; references
 * must therefore read the result, not `values`.
 */
export function layoutArray(
  values: readonly number[],
  shape: readonly number[],
  layout: Layout,
  dtype: DType = 'float32',
  k = 0,
): NDArray {
  const rank = shape.length;
  const fill = (view: NDArray): NDArray => {
    const offs = offsetsOf(view);
    for (let i = 0; i < offs.length; i++) view.data[offs[i]] = values.length ? values[i % values.length] : 0;
    return view;
  };
  switch (layout) {
    case 'dense':
      return fill(NDArray.of(allocate(dtype, sizeOf(shape)), shape));
    case 'offset':
      return fill(
        new NDArray(allocate(dtype, sizeOf(shape) + 3), {
          shape,
          strides: NDArray.empty(shape).strides,
          offset: 3,
        }),
      );
    case 'permuted': {
      // Storage in reversed-and-rotated axis order, viewed back through the inverse permutation.
      const perm = Array.from({ length: rank }, (_, i) => (rank - 1 - i + k) % Math.max(rank, 1));
      const inv = new Array<number>(rank);
      perm.forEach((p, i) => {
        inv[p] = i;
      });
      const base = NDArray.empty(
        perm.map((p) => shape[p]),
        dtype,
      );
      return fill(base.permute(inv));
    }
    case 'strided': {
      const big = NDArray.empty(
        shape.map((d) => 2 * d + 1),
        dtype,
      );
      const ranges = shape.map((_, i) =>
        i === k % Math.max(rank, 1) ? { start: -2, step: -2 } : { start: 1, step: 2 },
      );
      return fill(big.slice(ranges));
    }
    case 'expanded': {
      const small = shape.map((d, i) => (i % 2 === k % 2 ? 1 : d));
      return fill(NDArray.empty(small, dtype)).expand(shape);
    }
  }
}

/** A shape plus one input of that shape in a random layout. */
export function arrayArb(shape: fc.Arbitrary<number[]>, range = 4, dtype: DType = 'float32') {
  return shape.chain((s) =>
    fc.record({
      shape: fc.constant(s),
      x: fc
        .tuple(
          fc.array(valueArb(range), { minLength: 1, maxLength: 40 }),
          fc.constantFrom(...LAYOUTS),
          fc.nat(3),
        )
        .map(([v, layout, k]) => layoutArray(v, s, layout, dtype, k)),
    }),
  );
}

/** A random layout of `shape` (for second and third inputs). */
export function arrayOf(
  shape: readonly number[],
  range = 4,
  dtype: DType = 'float32',
): fc.Arbitrary<NDArray> {
  return fc
    .tuple(fc.array(valueArb(range), { minLength: 1, maxLength: 40 }), fc.constantFrom(...LAYOUTS), fc.nat(3))
    .map(([v, layout, k]) => layoutArray(v, shape, layout, dtype, k));
}
