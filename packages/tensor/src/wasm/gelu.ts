/**
 * GELU (exact form) and its backward on the WebAssembly tier for float32 arrays stored contiguously:
 * the operands are copied into the arena, one SIMD loop runs, the result is copied out. Other dtypes,
 * views and the tanh form return null (the scalar kernels run them).
 */
import type { GeluApproximate } from '../backend';
import type { NDArray } from '../ndarray';
import { claimArena } from './kernel-module';
import { contiguousF32, copyOut, F32, region } from './operands';

/** gelu(x) on the wasm tier, or null where the scalar kernel must run it. */
export function geluWasm(x: NDArray, approximate: GeluApproximate): NDArray | null {
  const src = approximate === 'none' ? contiguousF32(x) : null;
  if (src === null) return null;
  const n = src.length;
  const { arena } = claimArena('gelu', 2 * region(n));
  const dst = region(n);
  arena.f32.set(src, 0);
  arena.kernels.gelu_f32(0, dst, n);
  return copyOut(arena, dst, x.shape, n);
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
  return copyOut(arena, dst, x.shape, n);
}
