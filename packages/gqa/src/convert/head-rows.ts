/**
 * Head-major row and column surgery on plain arrays: pooling the d rows of several heads into one group,
 * and permuting whole heads. Accumulates in float64 and stores in the input's dtype.
 */
import { allocate, formatShape, NDArray } from '@gqa-lab/tensor';

/**
 * Pools head-major rows: `rows` is (H·d, C) or a bias (H·d); group g's d rows are
 * (sum over h in members[g] of coefficient[h] · rows of head h) / divisor[g].
 * Result (G·d, C) or (G·d). `where` names the caller in errors.
 */
export function poolHeadRows(
  rows: NDArray,
  headDim: number,
  members: readonly (readonly number[])[],
  coefficient: ArrayLike<number>,
  divisor: ArrayLike<number>,
  where: string,
): NDArray {
  const numHeads = coefficient.length;
  if (rows.shape[0] !== numHeads * headDim || rows.rank > 2 || rows.rank < 1) {
    throw new RangeError(
      `${where}: expected (${numHeads}·${headDim}, C) or (${numHeads * headDim}) head-major rows, got ${formatShape(rows.shape)}`,
    );
  }
  const cols = rows.rank === 2 ? rows.shape[1] : 1;
  const block = headDim * cols; // one head's values
  const src = rows.values();
  const out = allocate(rows.dtype, members.length * block);
  const acc = new Float64Array(block);
  members.forEach((heads, g) => {
    acc.fill(0);
    for (const h of heads) {
      const c = coefficient[h];
      if (c === 0) continue;
      const base = h * block;
      for (let i = 0; i < block; i++) acc[i] += c * src[base + i];
    }
    const div = divisor[g];
    for (let i = 0; i < block; i++) out[g * block + i] = acc[i] / div;
  });
  const shape = rows.rank === 2 ? [members.length * headDim, cols] : [members.length * headDim];
  return NDArray.of(out, shape);
}

/** Reorders whole heads of head-major rows (H·d, C) or (H·d): new head i = old head permutation[i]. */
export function permuteHeadRows(rows: NDArray, headDim: number, permutation: ArrayLike<number>): NDArray {
  const cols = rows.rank === 2 ? rows.shape[1] : 1;
  const block = headDim * cols;
  if (rows.shape[0] !== permutation.length * headDim) {
    throw new RangeError(
      `permuteHeadRows: ${formatShape(rows.shape)} does not hold ${permutation.length} heads of ${headDim} rows`,
    );
  }
  const src = rows.values();
  const out = allocate(rows.dtype, src.length);
  for (let i = 0; i < permutation.length; i++) {
    out.set(src.subarray(permutation[i] * block, (permutation[i] + 1) * block), i * block);
  }
  return NDArray.of(out, rows.shape);
}

/**
 * Reorders whole heads along the input columns of an output projection (Cout, H·d) (torch Linear layout),
 * matching permuteHeadRows on the query side: new column block i = old block permutation[i].
 */
export function permuteHeadColumns(wo: NDArray, headDim: number, permutation: ArrayLike<number>): NDArray {
  if (wo.rank !== 2 || wo.shape[1] !== permutation.length * headDim) {
    throw new RangeError(
      `permuteHeadColumns: proj weight ${formatShape(wo.shape)} does not have ${permutation.length}·${headDim} input columns`,
    );
  }
  const [outRows, inCols] = wo.shape;
  const src = wo.values();
  const out = allocate(wo.dtype, src.length);
  for (let r = 0; r < outRows; r++) {
    const rowBase = r * inCols;
    for (let i = 0; i < permutation.length; i++) {
      const from = rowBase + permutation[i] * headDim;
      out.set(src.subarray(from, from + headDim), rowBase + i * headDim);
    }
  }
  return NDArray.of(out, wo.shape);
}
