/**
 * QCQA's two objectives for one layer: KV-cache size (non-empty groups / H) and weight-sharing error.
 * Weight-sharing error of an assignment: for K and for V, the sum over groups of the mean squared deviation of
 * each member head's projection (its d rows of C weights) from the group mean:
 *   sum over W in {K, V}, groups g of  1 / (|g|·d·C) · sum over h in g of ||W_h - mean_g W||_F^2.
 * Biases are not included (they are averaged by the conversion but cost nothing in the objective).
 */
import { formatShape, type NDArray } from '@gqa-lab/tensor';

/**
 * Inner products between heads, K and V added: gram[h·H + j] = <K_h, K_j> + <V_h, V_j>. The error of any
 * assignment follows from it in O(H^2), because sum_h ||W_h - mean||^2 = sum_h <W_h, W_h> - |g|·||mean||^2.
 */
export interface HeadGram {
  readonly numHeads: number;
  /** d·C, the number of weights of one head in one of K or V */
  readonly elementsPerHead: number;
  /** (H, H) row-major */
  readonly gram: Float64Array;
}

/** Builds the K + V head Gram matrix from MHA projections wk, wv (H·d, C). */
export function headGram(wk: NDArray, wv: NDArray, numHeads: number): HeadGram {
  for (const [name, w] of [
    ['wk', wk],
    ['wv', wv],
  ] as const) {
    if (
      w.rank !== 2 ||
      w.shape[0] % numHeads !== 0 ||
      w.shape[0] !== wk.shape[0] ||
      w.shape[1] !== wk.shape[1]
    ) {
      throw new RangeError(
        `headGram: ${name} ${formatShape(w.shape)} must be (H·d, C) with H = ${numHeads}, like wk ${formatShape(wk.shape)}`,
      );
    }
  }
  const n = wk.size / numHeads;
  const gram = new Float64Array(numHeads * numHeads);
  for (const w of [wk.values(), wv.values()]) {
    for (let h = 0; h < numHeads; h++) {
      for (let j = h; j < numHeads; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += w[h * n + i] * w[j * n + i];
        gram[h * numHeads + j] += s;
        if (j !== h) gram[j * numHeads + h] += s;
      }
    }
  }
  return { numHeads, elementsPerHead: n, gram };
}

/** Number of distinct group ids in an assignment (its KV heads). */
export function countGroups(assignment: ArrayLike<number>): number {
  return new Set(Array.from(assignment)).size;
}

/** KV-cache size relative to MHA: non-empty groups / H. */
export function kvCacheFraction(assignment: ArrayLike<number>): number {
  return countGroups(assignment) / assignment.length;
}

/** Weight-sharing error (see the file comment) of any assignment of the Gram's heads; ids need not be canonical. */
export function weightSharingError(gram: HeadGram, assignment: ArrayLike<number>): number {
  const { numHeads: hCount, gram: g, elementsPerHead } = gram;
  if (assignment.length !== hCount) {
    throw new RangeError(`weightSharingError: assignment has ${assignment.length} entries, H = ${hCount}`);
  }
  const members = new Map<number, number[]>();
  for (let h = 0; h < hCount; h++) {
    const list = members.get(assignment[h]);
    if (list) list.push(h);
    else members.set(assignment[h], [h]);
  }
  let total = 0;
  for (const heads of members.values()) {
    if (heads.length === 1) continue; // a lone head equals its mean: exactly zero
    let diag = 0;
    let all = 0;
    for (const h of heads) {
      diag += g[h * hCount + h];
      for (const j of heads) all += g[h * hCount + j];
    }
    const squaredDeviation = Math.max(0, diag - all / heads.length); // clamp rounding below zero
    total += squaredDeviation / (heads.length * elementsPerHead);
  }
  return total;
}
