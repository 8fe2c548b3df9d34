/**
 * The weights of one attention layer as plain arrays, and timm's fused qkv layout.
 * timm stores `qkv.weight` (3C, C) and `qkv.bias` (3C): rows [Q | K | V], each head-major
 * (head h owns rows h·d .. h·d + d - 1). A grouped layer has K and V with G·d rows instead of C.
 */
import { allocate, formatShape, NDArray } from '@gqa-lab/tensor';

/** Weights of an attention layer with H query heads and G key/value heads of size d (C = H·d). */
export interface AttentionWeights {
  /** (C, C) */
  readonly wq: NDArray;
  /** (C,) or null */
  readonly bq: NDArray | null;
  /** (G·d, C) */
  readonly wk: NDArray;
  readonly bk: NDArray | null;
  /** (G·d, C) */
  readonly wv: NDArray;
  readonly bv: NDArray | null;
  /** (C, C) output projection */
  readonly wo: NDArray;
  readonly bo: NDArray | null;
}

/** Splits timm's fused (3C, C) qkv weight and (3C) bias into Q, K and V parts (MHA: G = H). */
export function splitFusedQkv(
  qkvWeight: NDArray,
  qkvBias: NDArray | null,
): { wq: NDArray; wk: NDArray; wv: NDArray; bq: NDArray | null; bk: NDArray | null; bv: NDArray | null } {
  if (qkvWeight.rank !== 2 || qkvWeight.shape[0] !== 3 * qkvWeight.shape[1]) {
    throw new RangeError(`splitFusedQkv: qkv.weight must be (3C, C), got ${formatShape(qkvWeight.shape)}`);
  }
  const c = qkvWeight.shape[1];
  if (qkvBias && (qkvBias.rank !== 1 || qkvBias.shape[0] !== 3 * c)) {
    throw new RangeError(`splitFusedQkv: qkv.bias must be (${3 * c}), got ${formatShape(qkvBias.shape)}`);
  }
  const rows = (a: NDArray, i: number) => a.slice([{ start: i * c, stop: (i + 1) * c }]).clone();
  return {
    wq: rows(qkvWeight, 0),
    wk: rows(qkvWeight, 1),
    wv: rows(qkvWeight, 2),
    bq: qkvBias ? rows(qkvBias, 0) : null,
    bk: qkvBias ? rows(qkvBias, 1) : null,
    bv: qkvBias ? rows(qkvBias, 2) : null,
  };
}

/**
 * Fuses Q, K and V rows into one (C + 2·G·d, C) weight (and bias), the layout our grouped layers save
 * under `qkv.weight` so a checkpoint keeps timm's key names. For MHA this is exactly timm's (3C, C).
 */
export function fuseQkv(
  wq: NDArray,
  wk: NDArray,
  wv: NDArray,
  bq: NDArray | null,
  bk: NDArray | null,
  bv: NDArray | null,
): { weight: NDArray; bias: NDArray | null } {
  const c = wq.shape[1];
  for (const [name, w] of [
    ['wq', wq],
    ['wk', wk],
    ['wv', wv],
  ] as const) {
    if (w.rank !== 2 || w.shape[1] !== c)
      throw new RangeError(`fuseQkv: ${name} must be (rows, ${c}), got ${formatShape(w.shape)}`);
  }
  const stackRows = (parts: NDArray[]) => {
    const total = parts.reduce((n, p) => n + p.size, 0);
    const out = allocate(wq.dtype, total); // keeps float64 layers float64
    let o = 0;
    for (const p of parts) {
      out.set(p.values(), o);
      o += p.size;
    }
    return out;
  };
  const rows = wq.shape[0] + wk.shape[0] + wv.shape[0];
  const weight = NDArray.of(stackRows([wq, wk, wv]), [rows, c]);
  const hasBias = bq !== null && bk !== null && bv !== null;
  const bias = hasBias ? NDArray.of(stackRows([bq, bk, bv]), [rows]) : null;
  return { weight, bias };
}
