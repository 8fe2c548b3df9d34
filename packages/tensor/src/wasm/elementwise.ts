/**
 * Binary and unary element-wise ops on the wasm tier, for float32: the distinct operand values are copied
 * into the arena, one SIMD loop runs, the result is copied out. Binary ops take same-shape contiguous
 * operands and operands broadcast over leading dims (a[m, n] op b[n], a positional table added over the
 * batch); other layouts, dtypes and ops return null, and the scalar kernels run them.
 */
import type { BinaryOp, UnaryOp } from '../backend';
import type { NDArray } from '../ndarray';
import { BINARY_SIMD, SIMD_UNARY_OPS, type SimdBinaryOp, type SimdUnaryOp } from './elementwise-kernel';
import { claimArena, type Kernels } from './kernel-module';
import { contiguousF32, copyOut, F32, region, repeatedBlock } from './operands';

function isSimdBinary(op: BinaryOp): op is SimdBinaryOp {
  return op in BINARY_SIMD;
}
function isSimdUnary(op: UnaryOp): op is SimdUnaryOp {
  return (SIMD_UNARY_OPS as readonly string[]).includes(op);
}

/** a (op) b on the wasm tier, or null where the scalar kernel must run it. */
export function binaryWasm(op: BinaryOp, a: NDArray, b: NDArray): NDArray | null {
  // Unequal shapes or dtypes are the scalar kernel's to reject (with its message).
  const sameShape = a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
  if (!isSimdBinary(op) || !sameShape || a.size === 0) return null;
  const xa = repeatedBlock(a);
  const xb = repeatedBlock(b);
  if (xa === null || xb === null) return null;
  // Rows of n floats: the shorter block (each block is a whole number of rows, both being products of
  // trailing dims). Rows of under 4 floats would waste most of each vector: those stay scalar.
  const n = Math.min(xa.length, xb.length);
  if (n < 4 && n < a.size) return null;
  const size = a.size;
  const { arena } = claimArena('elementwise', region(xa.length) + region(xb.length) + region(size));
  const pb = region(xa.length);
  const dst = pb + region(xb.length);
  arena.f32.set(xa, 0);
  arena.f32.set(xb, pb / F32);
  const kernel: Kernels[`${SimdBinaryOp}_f32`] = arena.kernels[`${op}_f32`];
  kernel(0, xa.length * F32, pb, xb.length * F32, dst, size / n, n);
  return copyOut(arena, dst, a.shape, size);
}

/** op(x) on the wasm tier, or null where the scalar kernel must run it. */
export function unaryWasm(op: UnaryOp, x: NDArray): NDArray | null {
  const src = isSimdUnary(op) ? contiguousF32(x) : null;
  if (src === null || !isSimdUnary(op)) return null;
  const n = src.length;
  const { arena } = claimArena('elementwise', 2 * region(n));
  arena.f32.set(src, 0);
  arena.kernels[`${op}_f32`](0, region(n), n);
  return copyOut(arena, region(n), x.shape, n);
}
