/**
 * THE attention core. Every variant in gqa-lab is this computation with a different query-head ->
 * key/value-head map:
 *   out[b, h] = softmax(q[b, h] · k[b, kvHead[h]]^T · scale) · v[b, kvHead[h]]
 *
 * Repeated K / V are never materialised. A run of n query heads that share KV head g is folded into
 * the row axis of one matmul: q (B, n, T, D) -> (B, 1, n·T, D) against k[:, g:g+1] (B, 1, S, D), so the
 * K / V operands stay (B, ·, S, D) and their gradient (A^T @ dC over the n·T rows) is the sum over the
 * group's query heads without any broadcast copy. When the map is gqaMap(Hq, G) (MHA, GQA, MQA) all G
 * groups run as ONE batched matmul over (B, G, n·T, D); any other map (unequal or non-contiguous groups)
 * runs once per maximal run of consecutive heads and concatenates the outputs.
 *
 * Without attention dropout and without returned weights, all of this is one fused primitive instead
 * (autograd's scaledDotProductAttention: the backend's attention kernels index k[kvHead[h]] directly).
 */
import {
  concat,
  dropout,
  scaledDotProductAttention as fusedAttention,
  maskedFill,
  matmul,
  mul,
  reshape,
  slice,
  softmax,
  type Tensor,
  transpose,
} from '@gqa-lab/autograd';
import { formatShape, type NDArray, type Rng } from '@gqa-lab/tensor';
import { blockedForHeads, blockedPositions } from './attention-mask';
import { type HeadMap, headRuns, uniformGroupSize, validateMap } from './head-map';

export interface AttentionOptions {
  /** Broadcasts to (B, Hq, T, S); nonzero = may attend, 0 = blocked (a fully blocked row gives NaN, like torch). */
  mask?: NDArray | Tensor;
  /** Attention-weight dropout probability (applied only when `training`). */
  dropout?: number;
  training?: boolean;
  /** Generator for the dropout mask (defaults to the global seeded generator). */
  rng?: Rng;
  /** Multiplies q before q·k^T; default D^-0.5. */
  scale?: number;
  /** Also return the softmax weights (B, Hq, T, S), before dropout, for inspection. */
  returnWeights?: boolean;
}

export interface AttentionResult {
  /** (B, Hq, T, D) */
  readonly out: Tensor;
  /** (B, Hq, T, S) when requested */
  readonly weights?: Tensor;
}

/** Scaled dot-product attention of q (B, Hq, T, D) over k, v (B, Hkv, S, D) through `kvHead` (Int32Array(Hq)). */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  kvHead: HeadMap,
  opts: AttentionOptions = {},
): AttentionResult {
  checkShapes(q, k, v, kvHead);
  const [B, Hq, T, D] = q.shape;
  const dropping = (opts.dropout ?? 0) > 0 && (opts.training ?? true);
  if (!dropping && !opts.returnWeights) {
    // One fused kernel each way (no (T, S) weights kept); the path below remains for dropout and weights.
    return { out: fusedAttention(q, k, v, { kvHead, scale: opts.scale ?? D ** -0.5, mask: opts.mask }) };
  }
  const [, Hkv, S] = k.shape;
  const scaled = mul(q, opts.scale ?? D ** -0.5); // (B, Hq, T, D), dense: the reshapes below are views
  const blocked = opts.mask ? blockedPositions(opts.mask, [B, Hq, T, S]) : null;
  const n = uniformGroupSize(kvHead, Hkv);
  if (n > 0) {
    const { out, weights } = attendGroups(scaled, k, v, Hkv, n, blocked, opts);
    return opts.returnWeights ? { out, weights } : { out };
  }
  const outs: Tensor[] = [];
  const ws: Tensor[] = [];
  for (const run of headRuns(kvHead)) {
    const qRun = slice(scaled, [{}, { start: run.start, stop: run.start + run.count }]); // (B, n, T, D)
    const kRun = slice(k, [{}, { start: run.kvHead, stop: run.kvHead + 1 }]); // (B, 1, S, D)
    const vRun = slice(v, [{}, { start: run.kvHead, stop: run.kvHead + 1 }]); // (B, 1, S, D)
    const mRun = blocked ? blockedForHeads(blocked, run.start, run.count) : null;
    const { out, weights } = attendGroups(qRun, kRun, vRun, 1, run.count, mRun, opts);
    outs.push(out);
    ws.push(weights);
  }
  const out = outs.length === 1 ? outs[0] : concat(outs, 1); // (B, Hq, T, D)
  if (!opts.returnWeights) return { out };
  return { out, weights: ws.length === 1 ? ws[0] : concat(ws, 1) }; // (B, Hq, T, S)
}

/**
 * G groups of n consecutive query heads, group g reading KV head g: q (B, G·n, T, D), k, v (B, G, S, D).
 * One batched matmul per product, with each group's heads folded into the row axis.
 */
function attendGroups(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  G: number,
  n: number,
  blocked: NDArray | null,
  opts: AttentionOptions,
): { out: Tensor; weights: Tensor } {
  const [B, , T, D] = q.shape;
  const S = k.shape[2];
  const Dv = v.shape[3];
  const qFolded = reshape(q, [B, G, n * T, D]); // (B, G, n·T, D)
  const scores = matmul(qFolded, transpose(k, -2, -1)); // (B, G, n·T, D) @ (B, G, D, S) -> (B, G, n·T, S)
  let logits = reshape(scores, [B, G * n, T, S]); // (B, Hq, T, S), a view
  if (blocked) logits = maskedFill(logits, blocked, Number.NEGATIVE_INFINITY); // (B, Hq, T, S)
  const weights = softmax(logits, -1); // (B, Hq, T, S)
  const p = opts.dropout ?? 0;
  const dropped = p > 0 ? dropout(weights, p, { training: opts.training ?? true, rng: opts.rng }) : weights;
  const out = matmul(reshape(dropped, [B, G, n * T, S]), v); // (B, G, n·T, S) @ (B, G, S, D) -> (B, G, n·T, Dv)
  return { out: reshape(out, [B, G * n, T, Dv]), weights }; // (B, Hq, T, Dv)
}

function checkShapes(q: Tensor, k: Tensor, v: Tensor, kvHead: HeadMap): void {
  const shapes = `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}`;
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) {
    throw new RangeError(`scaledDotProductAttention: q, k, v must be rank 4 (B, H, T, D); got ${shapes}`);
  }
  const [B, Hq, , D] = q.shape;
  const [Bk, Hkv, S, Dk] = k.shape;
  if (Bk !== B || Dk !== D || v.shape[0] !== B || v.shape[1] !== Hkv || v.shape[2] !== S) {
    throw new RangeError(
      `scaledDotProductAttention: expected k (B, Hkv, S, D) and v (B, Hkv, S, Dv) matching q (B, Hq, T, D); got ${shapes}`,
    );
  }
  if (kvHead.length !== Hq) {
    throw new RangeError(
      `scaledDotProductAttention: kvHead has ${kvHead.length} entries for Hq = ${Hq} query heads (${shapes})`,
    );
  }
  validateMap(kvHead, Hkv);
}
