/**
 * Binary and unary element-wise ops on the wasm tier, for float32: the distinct operand values are copied
 * into the arena, one SIMD loop runs, the result is copied out. Binary ops take same-shape contiguous
 * operands and operands broadcast over leading dims (a[m, n] op b[n], a positional table added over the
 * batch); other layouts, dtypes and ops return null, and the scalar kernels run them.
 * Long operands go through in chunks of about CHUNK floats (operands.ts), so the arena stays small.
 */
import type { BinaryOp, UnaryOp } from '../backend';
import { NDArray } from '../ndarray';
import { BINARY_SIMD, SIMD_UNARY_OPS, type SimdBinaryOp, type SimdUnaryOp } from './elementwise-kernel';
import { claimArena } from './kernel-module';
import {
  CHUNK,
  contiguousF32,
  F32,
  type OutputAllocator,
  plainOutput,
  region,
  repeatedBlock,
} from './operands';

function isSimdBinary(op: BinaryOp): op is SimdBinaryOp {
  return op in BINARY_SIMD;
}
function isSimdUnary(op: UnaryOp): op is SimdUnaryOp {
  return (SIMD_UNARY_OPS as readonly string[]).includes(op);
}

/** a (op) b on the wasm tier, or null where the scalar kernel must run it; `output` allocates the result. */
export function binaryWasm(
  op: BinaryOp,
  a: NDArray,
  b: NDArray,
  output: OutputAllocator = plainOutput,
): NDArray | null {
  // Unequal shapes or dtypes are the scalar kernel's to reject (with its message).
  const sameShape = a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
  if (!isSimdBinary(op) || !sameShape || a.size === 0) return null;
  const xa = repeatedBlock(a);
  const xb = repeatedBlock(b);
  if (xa === null || xb === null) return null;
  const size = a.size;
  // Rows of n floats: the shorter block (each block is a whole number of rows, both being products of
  // trailing dims). Rows of under 4 floats would waste most of each vector: those stay scalar.
  const n = Math.min(xa.length, xb.length);
  if (n < 4 && n < size) return null;
  // A block shorter than the tensor is repeated: it is copied in once and stays ("resident"); a full-size
  // operand is streamed chunk by chunk. Chunks start on a boundary of every resident block.
  const resident = [xa, xb].filter((x) => x.length < size);
  const unit = Math.max(1, ...resident.map((x) => x.length));
  const chunk = Math.min(size, unit >= CHUNK ? unit : unit * Math.floor(CHUNK / unit));
  const room = (x: Float32Array) => region(x.length < size ? x.length : chunk);
  const pb = room(xa);
  const dst = pb + room(xb);
  const { arena } = claimArena('elementwise', dst + region(chunk));
  const f = arena.f32;
  if (xa.length < size) f.set(xa, 0);
  if (xb.length < size) f.set(xb, pb / F32);
  const out = output(size);
  const kernel = arena.kernels[`${op}_f32`];
  for (let s = 0; s < size; s += chunk) {
    const len = Math.min(chunk, size - s);
    if (xa.length === size) f.set(xa.subarray(s, s + len), 0);
    if (xb.length === size) f.set(xb.subarray(s, s + len), pb / F32);
    // Two streamed operands: one row of the chunk; else rows of n against the resident blocks.
    const row = resident.length === 0 ? len : n;
    const bytes = (x: Float32Array) => (x.length === size ? len : x.length) * F32;
    kernel(0, bytes(xa), pb, bytes(xb), dst, len / row, row);
    out.set(f.subarray(dst / F32, dst / F32 + len), s);
  }
  return NDArray.of(out, a.shape);
}

/** op(x) on the wasm tier, or null where the scalar kernel must run it; `output` allocates the result. */
export function unaryWasm(op: UnaryOp, x: NDArray, output: OutputAllocator = plainOutput): NDArray | null {
  const src = isSimdUnary(op) ? contiguousF32(x) : null;
  if (src === null || !isSimdUnary(op)) return null;
  const size = src.length;
  const chunk = Math.min(size, CHUNK);
  const { arena } = claimArena('elementwise', 2 * region(chunk));
  const out = output(size);
  for (let s = 0; s < size; s += chunk) {
    const len = Math.min(chunk, size - s);
    arena.f32.set(src.subarray(s, s + len), 0);
    arena.kernels[`${op}_f32`](0, region(chunk), len);
    out.set(arena.f32.subarray(region(chunk) / F32, region(chunk) / F32 + len), s);
  }
  return NDArray.of(out, x.shape);
}
