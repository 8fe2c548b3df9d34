/**
 * MHA -> grouped conversion of one attention layer (GQA mean pooling, first head, WGQA weighted sums, and any
 * assignment of heads to groups with unequal sizes). Q and proj values are copied; K and V are pooled per group.
 */
import { formatShape, type NDArray } from '@gqa-lab/tensor';
import type { AttentionWeights } from '../weights';
import {
  contiguousQueryPermutation,
  type GroupLayout,
  groupSizes,
  meanPoolAssignment,
  validateAssignment,
} from './assignment';
import { permuteHeadColumns, permuteHeadRows, poolHeadRows } from './head-rows';

/** How a group's K / V projection is made from its member heads. */
export type ConversionMethod = 'mean' | 'first' | 'weighted';

/** Per-head scalars for the weighted (WGQA) method: group projection = sum over members of w[h] · W[h]. */
export interface HeadWeights {
  /** (H) weights of the key heads */
  readonly k: ArrayLike<number>;
  /** (H) weights of the value heads */
  readonly v: ArrayLike<number>;
}

export interface ConvertOptions {
  readonly numHeads: number;
  /** Int32Array(H) of group ids 0..G-1 (every group non-empty). Exclusive with `groups`. */
  readonly assignment?: ArrayLike<number>;
  /** G contiguous chunks of H / G heads (GQA). Exclusive with `assignment`. */
  readonly groups?: number;
  /** Default 'mean'. */
  readonly method?: ConversionMethod;
  /** Only for 'weighted'; default 1 / |group| for every head (equals 'mean'). */
  readonly headWeights?: HeadWeights;
  /**
   * Default true: reorder query heads (wq / bq rows, wo columns) so each group's queries form a contiguous
   * range in group order; the layer then computes the same function with `kvHead` non-decreasing.
   */
  readonly permuteQueries?: boolean;
}

export interface ConvertedAttention {
  /** wq (C, C), wk / wv (G·d, C), wo (C, C); biases alike. */
  readonly weights: AttentionWeights;
  readonly numGroups: number;
  /** Query head -> KV head for `weights` (contiguous ranges when permuteQueries). */
  readonly kvHead: Int32Array;
  /** (G) query heads per KV head. */
  readonly groupSizes: Int32Array;
  /** New query head i is original head queryPermutation[i] (identity when permuteQueries is false). */
  readonly queryPermutation: Int32Array;
  /** The original head -> group assignment that was applied. */
  readonly assignment: Int32Array;
}

/** The default WGQA initialisation: w[h] = 1 / |group of h| for K and V, so the weighted sum is the mean. */
export function uniformHeadWeights(assignment: ArrayLike<number>, numHeads: number): HeadWeights {
  const layout = validateAssignment(assignment, numHeads, 'uniformHeadWeights');
  const w = Float64Array.from(layout.assignment, (g) => 1 / layout.members[g].length);
  return { k: w, v: Float64Array.from(w) };
}

/**
 * Converts an MHA layer (wk, wv (C, C)) into a grouped one with G KV heads.
 * Throws when shapes are not MHA, C % H != 0, the assignment is invalid, or H % G != 0 with `groups`.
 */
export function convertAttention(mha: AttentionWeights, options: ConvertOptions): ConvertedAttention {
  const { numHeads } = options;
  const headDim = checkMhaShapes(mha, numHeads);
  const layout = resolveLayout(options);
  const method = options.method ?? 'mean';
  const { k: kCoef, v: vCoef, divisor } = coefficients(layout, numHeads, method, options);
  const pool = (rows: NDArray, coef: ArrayLike<number>, name: string) =>
    poolHeadRows(rows, headDim, layout.members, coef, divisor, `convertAttention(${method}) ${name}`);
  const wk = pool(mha.wk, kCoef, 'wk');
  const wv = pool(mha.wv, vCoef, 'wv');
  const bk = mha.bk ? pool(mha.bk, kCoef, 'bk') : null;
  const bv = mha.bv ? pool(mha.bv, vCoef, 'bv') : null;

  const permute = options.permuteQueries ?? true;
  const queryPermutation = permute
    ? contiguousQueryPermutation(layout)
    : Int32Array.from({ length: numHeads }, (_, h) => h);
  const kvHead = Int32Array.from(queryPermutation, (h) => layout.assignment[h]);
  const weights: AttentionWeights = {
    wq: permuteHeadRows(mha.wq, headDim, queryPermutation),
    bq: mha.bq ? permuteHeadRows(mha.bq, headDim, queryPermutation) : null,
    wk,
    bk,
    wv,
    bv,
    wo: permuteHeadColumns(mha.wo, headDim, queryPermutation),
    bo: mha.bo ? mha.bo.clone() : null,
  };
  return {
    weights,
    numGroups: layout.numGroups,
    kvHead,
    groupSizes: groupSizes(layout),
    queryPermutation,
    assignment: layout.assignment,
  };
}

function resolveLayout(options: ConvertOptions): GroupLayout {
  const { numHeads, assignment, groups } = options;
  if (assignment !== undefined && groups !== undefined) {
    throw new RangeError('convertAttention: pass either `assignment` or `groups`, not both');
  }
  if (groups !== undefined) {
    if (!Number.isInteger(groups) || groups <= 0 || numHeads % groups !== 0) {
      throw new RangeError(
        `convertAttention: groups must divide the head count for mean pooling, got H = ${numHeads}, G = ${groups}`,
      );
    }
    return validateAssignment(meanPoolAssignment(numHeads, groups), numHeads, 'convertAttention');
  }
  if (assignment === undefined) throw new RangeError('convertAttention: pass `assignment` or `groups`');
  return validateAssignment(assignment, numHeads, 'convertAttention');
}

/** Per-head coefficients and per-group divisors realising each method through one pooling loop. */
function coefficients(
  layout: GroupLayout,
  numHeads: number,
  method: ConversionMethod,
  options: ConvertOptions,
): { k: ArrayLike<number>; v: ArrayLike<number>; divisor: Float64Array } {
  const ones = new Float64Array(layout.numGroups).fill(1);
  if (options.headWeights && method !== 'weighted') {
    throw new RangeError(`convertAttention: headWeights only apply to method 'weighted', got '${method}'`);
  }
  if (method === 'mean') {
    // Sum then divide: equal heads average back to exactly themselves.
    const all = new Float64Array(numHeads).fill(1);
    return { k: all, v: all, divisor: Float64Array.from(layout.members, (m) => m.length) };
  }
  if (method === 'first') {
    const first = new Float64Array(numHeads);
    for (const m of layout.members) first[m[0]] = 1;
    return { k: first, v: first, divisor: ones };
  }
  if (method === 'weighted') {
    const w = options.headWeights ?? uniformHeadWeights(layout.assignment, numHeads);
    for (const [name, arr] of [
      ['k', w.k],
      ['v', w.v],
    ] as const) {
      if (arr.length !== numHeads) {
        throw new RangeError(
          `convertAttention(weighted): headWeights.${name} has ${arr.length} entries, H = ${numHeads}`,
        );
      }
      for (let h = 0; h < numHeads; h++) {
        if (!Number.isFinite(arr[h])) {
          throw new RangeError(
            `convertAttention(weighted): headWeights.${name}[${h}] = ${arr[h]} is not finite`,
          );
        }
      }
    }
    return { k: w.k, v: w.v, divisor: ones };
  }
  throw new RangeError(
    `convertAttention: unknown method '${String(method)}' (expected mean, first or weighted)`,
  );
}

/** Checks the MHA shapes and returns the head dim d = C / H. */
function checkMhaShapes(mha: AttentionWeights, numHeads: number): number {
  if (!Number.isInteger(numHeads) || numHeads <= 0) {
    throw new RangeError(`convertAttention: numHeads must be a positive integer, got ${numHeads}`);
  }
  const c = mha.wq.shape[1];
  if (mha.wq.rank !== 2 || c % numHeads !== 0) {
    throw new RangeError(
      `convertAttention: wq ${formatShape(mha.wq.shape)} has C = ${c}, not divisible by H = ${numHeads}`,
    );
  }
  const square: [string, NDArray][] = [
    ['wq', mha.wq],
    ['wk', mha.wk],
    ['wv', mha.wv],
    ['wo', mha.wo],
  ];
  for (const [name, w] of square) {
    if (w.rank !== 2 || w.shape[0] !== c || w.shape[1] !== c) {
      throw new RangeError(`convertAttention: MHA ${name} must be [${c}, ${c}], got ${formatShape(w.shape)}`);
    }
  }
  const biases: [string, NDArray | null][] = [
    ['bq', mha.bq],
    ['bk', mha.bk],
    ['bv', mha.bv],
    ['bo', mha.bo],
  ];
  for (const [name, b] of biases) {
    if (b && (b.rank !== 1 || b.shape[0] !== c)) {
      throw new RangeError(`convertAttention: MHA ${name} must be [${c}], got ${formatShape(b.shape)}`);
    }
  }
  return c / numHeads;
}
