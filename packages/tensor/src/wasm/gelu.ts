/**
 * GELU (exact form) and its backward on the WebAssembly tier for float32 arrays stored contiguously:
 * the operands are copied into the arena, one SIMD loop runs, the result is copied out. Other dtypes,
 * views and the tanh form return null (the scalar kernels run them).
 */
import type { GeluApproximate } from '../backend';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { claimArena } from './kernel-module';

const F32 = 4;

/** Floats rounded up to whole vectors, in bytes, aligned to 64. */
function region(n: number): number {
  return Math.ceil((n * F32) / 64) * 64 + 64;
}

/** The storage of x as a float32 subarray when x is float32 and stored contiguously, else null. */
function contiguousF32(x: NDArray): Float32Array | null {
  if (x.dtype !== 'float32' || !x.isContiguous || !(x.data instanceof Float32Array)) return null;
  return x.data.subarray(x.offset, x.offset + x.size);
}

/** gelu(x) on the wasm tier, or null where the scalar kernel must run it. */
export function geluWasm(x: NDArray, approximate: GeluApproximate): NDArray | null {
  const src = approximate === 'none' ? contiguousF32(x) : null;
  if (src === null) return null;
  const n = src.length;
  const { arena } = claimArena('gelu', 2 * region(n));
  const dst = region(n);
  arena.f32.set(src, 0);
  arena.kernels.gelu_f32(0, dst, n);
  const out = allocate('float32', n);
  out.set(arena.f32.subarray(dst / F32, dst / F32 + n));
  return NDArray.of(out, x.shape);
}

/** dy * gelu'(x) on the wasm tier, or null where the scalar kernel must run it. */
export function geluBackwardWasm(x: NDArray, dy: NDArray, approximate: GeluApproximate): NDArray | null {
  const xs = approximate === 'none' ? contiguousF32(x) : null;
  const gs = contiguousF32(dy);
  // Unequal shapes are the scalar kernel's to reject (with its message).
  const sameShape = x.rank === dy.rank && x.shape.every((d, i) => d === dy.shape[i]);
  if (xs === null || gs === null || !sameShape) return null;
  const n = xs.length;
  const { arena } = claimArena('gelu', 3 * region(n));
  const [pdy, dst] = [region(n), 2 * region(n)];
  arena.f32.set(xs, 0);
  arena.f32.set(gs, pdy / F32);
  arena.kernels.gelu_grad_f32(0, pdy, dst, n);
  const out = allocate('float32', n);
  out.set(arena.f32.subarray(dst / F32, dst / F32 + n));
  return NDArray.of(out, x.shape);
}
