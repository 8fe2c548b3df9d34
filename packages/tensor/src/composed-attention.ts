/**
 * Backend.attention and its backward composed from a backend's other kernels (indexSelect, matmul, softmax,
 * where, indexAdd): the gpu.js backend's implementation, and the CPU's for shapes too large for the fused
 * kernel's workspace (where the packed matmul is the faster path anyway). No infinity or NaN is sent to a
 * device (WGSL and GLSL may assume there are none): masked scores get a large finite negative value, and a
 * fully blocked row, found on the host from the mask, is set to NaN (out, and dv of its KV head) and lse
 * -Infinity afterwards.
 */
import type { AttentionArgs, AttentionKernelGrads, AttentionKernelResult, Backend } from './backend';
import { checkSaved, planAttention } from './checks/attention';
import { constant } from './composed-helpers';
import { NDArray } from './ndarray';

/** A masked score: far below any real one, so exp(masked - rowMax) is 0 in float32. */
const MASKED = -1e30;

/** Shared set-up of both directions: the head map as an index, K / V gathered per query head, scores. */
function scores(be: Backend, { q, k, v, kvHead, scale }: AttentionArgs) {
  const index = NDArray.of(Int32Array.from(kvHead), [kvHead.length]);
  const kg = be.indexSelect(k, 1, index); // (B, Hq, S, D)
  const vg = be.indexSelect(v, 1, index); // (B, Hq, S, Dv)
  const raw = be.matmul(q, kg.transpose(-1, -2)); // (B, Hq, T, S)
  const s = be.binary.mul(raw, constant(scale, raw));
  return { index, kg, vg, s };
}

/** The mask as a (B, Hq, T, S) view, plus a (B, Hq, T) flag per fully blocked row (null when none is). */
function maskOf(mask: NDArray | null, shape: readonly number[]) {
  if (mask === null) return null;
  const m = mask.expand(shape); // expand left-pads the rank
  const v = m.values();
  const S = shape[3];
  const blockedRows = new Uint8Array(v.length / S);
  let anyBlocked = false;
  for (let r = 0; r < blockedRows.length; r++) {
    let open = false;
    for (let j = 0; j < S && !open; j++) open = v[r * S + j] !== 0;
    if (!open) {
      blockedRows[r] = 1;
      anyBlocked = true;
    }
  }
  return { m, blockedRows: anyBlocked ? blockedRows : null };
}

/** x with `value` wherever `flags` (shaped `flagShape`, broadcast to x) is set: a where with a host-made condition. */
function whereFlags(
  be: Backend,
  x: NDArray,
  flags: Uint8Array,
  flagShape: readonly number[],
  value: number,
): NDArray {
  const keep = NDArray.of(
    Float32Array.from(flags, (f) => 1 - f),
    flagShape,
  ).expand(x.shape);
  return be.where(keep, x, constant(value, x));
}

/** x (B, H, T, C) with the rows flagged in `flags` (B * H * T) replaced by `value`. */
function setRows(be: Backend, x: NDArray, flags: Uint8Array, value: number): NDArray {
  return whereFlags(be, x, flags, [...x.shape.slice(0, 3), 1], value);
}

/** Backend.attention composed from `be`'s kernels; empty shapes go to `small`'s attention. */
export function composedAttention(be: Backend, small: Backend, args: AttentionArgs): AttentionKernelResult {
  const { B, Hq, T, S, D, Dv } = planAttention('attention', args);
  if (B * Hq * T * S * D * Dv === 0) return small.attention(args, false);
  const { vg, s } = scores(be, args);
  const masked = maskOf(args.mask, s.shape);
  const sm = masked ? be.where(masked.m, s, constant(MASKED, s)) : s; // (B, Hq, T, S)
  let out = be.matmul(be.softmax(sm, -1), vg); // (B, Hq, T, Dv)
  let lse = be.logsumexp(sm, -1, true); // (B, Hq, T, 1)
  if (masked?.blockedRows) {
    out = setRows(be, out, masked.blockedRows, Number.NaN);
    lse = setRows(be, lse, masked.blockedRows, Number.NEGATIVE_INFINITY);
  }
  return { out, lse: lse.reshape([B, Hq, T]), weights: null }; // never kept: the backward recomputes them
}

/** Backend.attentionBackward composed from `be`'s kernels (empty shapes: `small`'s). */
export function composedAttentionBackward(
  be: Backend,
  small: Backend,
  args: AttentionArgs,
  saved: AttentionKernelResult,
  dOut: NDArray,
): AttentionKernelGrads {
  const { q, kvHead, scale } = args;
  const plan = planAttention('attentionBackward', args);
  checkSaved('attentionBackward', plan, saved, dOut);
  const { B, Hq, Hkv, T, S, D, Dv } = plan;
  if (B * Hq * T * S * D * Dv === 0) return small.attentionBackward(args, saved, dOut);
  const { index, kg, vg, s } = scores(be, args);
  const masked = maskOf(args.mask, s.shape);
  const p = be.softmax(masked ? be.where(masked.m, s, constant(MASKED, s)) : s, -1); // (B, Hq, T, S)
  const dvPerHead = be.matmul(p.transpose(-1, -2), dOut); // (B, Hq, S, Dv)
  let dv = be.indexAdd([B, Hkv, S, Dv], 1, index, dvPerHead);
  const dP = be.matmul(dOut, vg.transpose(-1, -2)); // (B, Hq, T, S)
  let dS = be.softmaxBackward(p, dP, -1); // p (dP - D_i)
  if (masked) dS = be.where(masked.m, dS, constant(0, dS)); // masked (and fully blocked) positions get 0
  dS = be.binary.mul(dS, constant(scale, dS));
  const dq = be.matmul(dS, kg); // (B, Hq, T, D)
  const dk = be.indexAdd([B, Hkv, S, D], 1, index, be.matmul(dS.transpose(-1, -2), q)); // (B, Hkv, S, D)
  if (masked?.blockedRows) dv = nanKvHeads(be, dv, masked.blockedRows, kvHead, plan.T);
  return { dq, dk, dv };
}

/** dv of every (batch, KV head) that serves a fully blocked row becomes NaN (p is NaN there). */
function nanKvHeads(be: Backend, dv: NDArray, blockedRows: Uint8Array, kvHead: Int32Array, T: number) {
  const [B, Hkv] = dv.shape;
  const Hq = kvHead.length;
  const flags = new Uint8Array(B * Hkv);
  for (let r = 0; r < blockedRows.length; r++) {
    if (blockedRows[r]) {
      const bh = Math.floor(r / T);
      flags[Math.floor(bh / Hq) * Hkv + kvHead[bh % Hq]] = 1;
    }
  }
  return whereFlags(be, dv, flags, [B, Hkv, 1, 1], Number.NaN);
}
