/**
 * AsymGQA grouping, our own reading (the paper's search is not public): heads whose keys behave alike on
 * calibration data share a KV head, and groups may have unequal sizes.
 *
 * 1. Similarity: cosine similarity between heads of their key activations, each head's (N, d) block
 *    mean-centred over the N tokens (per dim) and flattened. Centring drops the per-head constant offset,
 *    which cannot change attention (adding c to every key adds q·c to every logit of a query: softmax ignores
 *    it), and the token-by-token comparison keeps what averaging two heads' projections destroys. A per-head
 *    mean activation would compare exactly the part that does not matter. A head with constant keys (zero norm
 *    after centring) has similarity 0 to every other head.
 * 2. Greedy agglomerative merging with average linkage: start from singletons and repeatedly merge the two
 *    groups with the highest mean pairwise similarity whose merged size stays within `maxGroupSize`, until
 *    `numGroups` remain. Ties go to the pair whose groups' first heads are smallest.
 */
import { formatShape, type NDArray } from '@gqa-lab/tensor';
import { canonicalAssignment } from '../convert/assignment';

export interface AsymGqaOptions {
  /** G, the KV-head budget (1..H). */
  readonly numGroups: number;
  /** Largest allowed group (default H, no limit). */
  readonly maxGroupSize?: number;
}

export interface AsymGqaResult {
  /** Canonical head -> group ids (groups numbered by first head). */
  readonly assignment: Int32Array;
  readonly groupSizes: Int32Array;
  /** (H, H) row-major cosine similarities used. */
  readonly similarity: Float64Array;
}

/**
 * Cosine similarity of mean-centred, flattened key activations per head. `keys` is (H, N, d), or (B, H, T, d)
 * as captured from attention (treated as N = B·T tokens). Returns (H, H) row-major.
 */
export function keyActivationSimilarity(keys: NDArray): Float64Array {
  const perHead =
    keys.rank === 4 ? keys.permute([1, 0, 2, 3]).reshape([keys.shape[1], -1, keys.shape[3]]) : keys;
  if (perHead.rank !== 3 || perHead.shape[1] === 0) {
    throw new RangeError(
      `keyActivationSimilarity: keys must be (H, N, d) or (B, H, T, d), got ${formatShape(keys.shape)}`,
    );
  }
  const [h, n, d] = perHead.shape;
  const x = perHead.values();
  const centred: Float64Array[] = [];
  for (let i = 0; i < h; i++) {
    const v = Float64Array.from(x.subarray(i * n * d, (i + 1) * n * d));
    for (let e = 0; e < d; e++) {
      let mean = 0;
      for (let t = 0; t < n; t++) mean += v[t * d + e];
      mean /= n;
      for (let t = 0; t < n; t++) v[t * d + e] -= mean;
    }
    centred.push(v);
  }
  const norms = centred.map((v) => Math.sqrt(v.reduce((s, a) => s + a * a, 0)));
  const sim = new Float64Array(h * h);
  for (let i = 0; i < h; i++) {
    sim[i * h + i] = 1;
    for (let j = i + 1; j < h; j++) {
      let dot = 0;
      for (let k = 0; k < n * d; k++) dot += centred[i][k] * centred[j][k];
      const denom = norms[i] * norms[j];
      const s = denom > 0 ? dot / denom : 0;
      sim[i * h + j] = s;
      sim[j * h + i] = s;
    }
  }
  return sim;
}

/**
 * Greedy average-linkage merging of H heads under a group budget (see the file comment). `similarity` is
 * (H, H) row-major. Throws when the budget cannot be met (G·maxGroupSize < H, or the greedy merges get stuck).
 */
export function agglomerativeGrouping(
  similarity: ArrayLike<number>,
  numHeads: number,
  options: AsymGqaOptions,
): Int32Array {
  const { numGroups } = options;
  const maxSize = options.maxGroupSize ?? numHeads;
  if (similarity.length !== numHeads * numHeads) {
    throw new RangeError(
      `agglomerativeGrouping: similarity has ${similarity.length} entries, expected H^2 = ${numHeads ** 2}`,
    );
  }
  if (!Number.isInteger(numGroups) || numGroups < 1 || numGroups > numHeads) {
    throw new RangeError(`agglomerativeGrouping: numGroups must be in [1, ${numHeads}], got ${numGroups}`);
  }
  if (!Number.isInteger(maxSize) || maxSize * numGroups < numHeads) {
    throw new RangeError(
      `agglomerativeGrouping: ${numGroups} groups of at most ${maxSize} heads cannot hold H = ${numHeads} heads`,
    );
  }
  // Slot i starts as head i; a merge keeps the lower slot, so slot order = order of first heads.
  const members: (number[] | null)[] = Array.from({ length: numHeads }, (_, i) => [i]);
  // linkSum[a][b] = sum of similarities over pairs across groups a and b.
  const linkSum = Array.from({ length: numHeads }, (_, a) =>
    Array.from({ length: numHeads }, (_, b) => similarity[a * numHeads + b]),
  );
  for (let count = numHeads; count > numGroups; count--) {
    let best: [number, number] | null = null;
    let bestScore = -Infinity;
    for (let a = 0; a < numHeads; a++) {
      const ma = members[a];
      if (!ma) continue;
      for (let b = a + 1; b < numHeads; b++) {
        const mb = members[b];
        if (!mb || ma.length + mb.length > maxSize) continue;
        const score = linkSum[a][b] / (ma.length * mb.length);
        if (score > bestScore) {
          bestScore = score;
          best = [a, b];
        }
      }
    }
    if (!best) {
      const sizes = members.filter((m) => m !== null).map((m) => m.length);
      throw new RangeError(
        `agglomerativeGrouping: stuck at ${count} groups of sizes [${sizes.join(', ')}]; no two fit in maxGroupSize ${maxSize}`,
      );
    }
    const [a, b] = best;
    members[a]?.push(...(members[b] ?? []));
    members[b] = null;
    for (let x = 0; x < numHeads; x++) {
      linkSum[a][x] += linkSum[b][x];
      linkSum[x][a] = linkSum[a][x];
    }
  }
  const assignment = new Int32Array(numHeads);
  members.forEach((m, slot) => {
    for (const h of m ?? []) assignment[h] = slot;
  });
  return canonicalAssignment(assignment);
}

/** AsymGQA grouping of one layer from its calibration keys (H, N, d) or (B, H, T, d). */
export function asymGqaGrouping(keys: NDArray, options: AsymGqaOptions): AsymGqaResult {
  const similarity = keyActivationSimilarity(keys);
  const numHeads = Math.round(Math.sqrt(similarity.length));
  const assignment = agglomerativeGrouping(similarity, numHeads, options);
  const groupSizes = new Int32Array(options.numGroups);
  for (const g of assignment) groupSizes[g]++;
  return { assignment, groupSizes, similarity };
}
