/** Frobenius norms of each key head, computed on plain arrays (no graph: allocations carry no gradient). */
import { formatShape, type NDArray } from '@gqa-lab/tensor';

/**
 * Per-sample norms ||k[b, g]||_F over all S tokens and d dims, from the projected keys (B, S, G·d)
 * before the head split (dense, so no copy). Returns a (B·G) Float64Array, row-major (b, g).
 */
export function keyHeadNorms(keys: NDArray, numKvHeads: number): Float64Array {
  if (keys.rank !== 3 || keys.shape[2] % numKvHeads !== 0) {
    throw new RangeError(
      `keyHeadNorms: keys must be (B, S, G·d) with G = ${numKvHeads}, got ${formatShape(keys.shape)}`,
    );
  }
  const [B, S, width] = keys.shape;
  const d = width / numKvHeads;
  const x = keys.values();
  const sq = new Float64Array(B * numKvHeads);
  for (let b = 0; b < B; b++)
    for (let s = 0; s < S; s++) {
      const row = (b * S + s) * width;
      for (let g = 0; g < numKvHeads; g++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += x[row + g * d + j] ** 2;
        sq[b * numKvHeads + g] += acc;
      }
    }
  return sq.map(Math.sqrt);
}

/** Sums per-sample norms (B·G) over the batch -> (G), as the published code does. */
export function batchSummedNorms(perSample: Float64Array, numKvHeads: number): Float64Array {
  const out = new Float64Array(numKvHeads);
  for (let i = 0; i < perSample.length; i++) out[i % numKvHeads] += perSample[i];
  return out;
}
