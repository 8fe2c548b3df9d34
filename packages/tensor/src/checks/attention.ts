/**
 * Checks and set-up shared by every attention kernel (fused, composed, reference; forward and backward): shapes,
 * dtypes, the query-head -> KV-head map as lists of query heads per KV head, and the mask as a rank-4 broadcast view.
 */
import type { AttentionArgs, AttentionKernelResult } from '../backend';
import type { NDArray } from '../ndarray';
import { formatShape } from '../shape';
import { expandView, type View } from '../view';

/** Sizes of one attention call plus what the kernels walk. */
export interface AttentionPlan {
  readonly B: number;
  readonly Hq: number;
  readonly Hkv: number;
  readonly T: number;
  readonly S: number;
  readonly D: number;
  readonly Dv: number;
  /** Query heads of each KV head, ascending (the fixed order dk / dv are summed in). */
  readonly headsOf: readonly (readonly number[])[];
  /** Mask as a (B, Hq, T, S) view (stride 0 along broadcast dims) and its storage, or null. */
  readonly mask: { readonly view: View; readonly data: ArrayLike<number> } | null;
}

function describe(q: NDArray, k: NDArray, v: NDArray): string {
  return `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}`;
}

/** Validates q, k, v, kvHead and mask for kernel `op`; throws naming the shapes and the offending value. */
export function planAttention(op: string, { q, k, v, kvHead, scale, mask }: AttentionArgs): AttentionPlan {
  const shapes = describe(q, k, v);
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) {
    throw new RangeError(`${op}: q, k, v must be rank 4 (B, H, T, D); got ${shapes}`);
  }
  const [B, Hq, T, D] = q.shape;
  const [Bk, Hkv, S, Dk] = k.shape;
  const [Bv, Hv, Sv, Dv] = v.shape;
  if (Bk !== B || Bv !== B || Dk !== D || Hv !== Hkv || Sv !== S) {
    throw new RangeError(
      `${op}: expected q (B, Hq, T, D), k (B, Hkv, S, D), v (B, Hkv, S, Dv); got ${shapes}`,
    );
  }
  if (q.dtype === 'int32' || k.dtype !== q.dtype || v.dtype !== q.dtype) {
    throw new TypeError(
      `${op}: q, k, v must share one float dtype; got ${q.dtype}, ${k.dtype}, ${v.dtype} (${shapes})`,
    );
  }
  if (!Number.isFinite(scale)) throw new RangeError(`${op}: scale must be finite, got ${scale} (${shapes})`);
  if (kvHead.length !== Hq) {
    throw new RangeError(`${op}: kvHead has ${kvHead.length} entries for Hq = ${Hq} query heads (${shapes})`);
  }
  const headsOf: number[][] = Array.from({ length: Hkv }, () => []);
  for (let h = 0; h < Hq; h++) {
    const g = kvHead[h];
    if (!(g >= 0 && g < Hkv)) {
      throw new RangeError(`${op}: kvHead[${h}] = ${g} is outside [0, ${Hkv}) (${shapes})`);
    }
    headsOf[g].push(h);
  }
  return { B, Hq, Hkv, T, S, D, Dv, headsOf, mask: maskView(op, mask, [B, Hq, T, S]) };
}

/** The mask left-padded to rank 4 and expanded to the scores' shape (metadata only). */
function maskView(op: string, mask: NDArray | null, scores: readonly number[]) {
  if (mask === null) return null;
  const bad = () =>
    new RangeError(
      `${op}: mask ${formatShape(mask.shape)} does not broadcast to scores ${formatShape(scores)}`,
    );
  if (mask.rank > 4) throw bad();
  const pad = 4 - mask.rank;
  const view: View = {
    shape: [...Array<number>(pad).fill(1), ...mask.shape],
    strides: [...Array<number>(pad).fill(0), ...mask.strides],
    offset: mask.offset,
  };
  for (let i = 0; i < 4; i++) if (view.shape[i] !== 1 && view.shape[i] !== scores[i]) throw bad();
  return { view: expandView(view, scores), data: mask.data };
}

/** Throws unless the backward's out, dOut (B, Hq, T, Dv), lse (B, Hq, T) and weights (B, Hq, T, S) fit the plan. */
export function checkSaved(op: string, p: AttentionPlan, saved: AttentionKernelResult, dOut: NDArray): void {
  const { out, lse, weights } = saved;
  expectShape(op, 'out', out, [p.B, p.Hq, p.T, p.Dv]);
  expectShape(op, 'dOut', dOut, [p.B, p.Hq, p.T, p.Dv]);
  expectShape(op, 'lse', lse, [p.B, p.Hq, p.T]);
  if (weights) expectShape(op, 'weights', weights, [p.B, p.Hq, p.T, p.S]);
}

/** Throws unless `x` has exactly `shape` (for the backward's out, lse and dOut). */
function expectShape(op: string, role: string, x: NDArray, shape: readonly number[]): void {
  if (x.rank !== shape.length || x.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${op}: ${role} ${formatShape(x.shape)} must be ${formatShape(shape)}`);
  }
}
