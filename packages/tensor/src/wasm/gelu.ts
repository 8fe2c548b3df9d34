/**
 * GELU (exact form) and its backward on the WebAssembly tier for float32 arrays stored contiguously:
 * chunk by chunk (about CHUNK floats), the operands are copied into the arena, one SIMD loop runs, the
 * result is copied out. Other dtypes, views and the tanh form return null (the scalar kernels run them).
 * Every element is computed on its own, so any split into ranges (the pool's: cpu/gelu-pool.ts) gives
 * the same bits.
 */
import type { GeluApproximate } from '../backend';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { claimArena } from './kernel-module';
import { CHUNK, contiguousF32, F32, region } from './operands';

/** The float32 storage of gelu's x (and dy) when the wasm tier runs them, else null. */
export function geluOperands(
  x: NDArray,
  dy: NDArray | null,
  approximate: GeluApproximate,
): { xs: Float32Array; gs: Float32Array | null } | null {
  const xs = approximate === 'none' ? contiguousF32(x) : null;
  if (xs === null) return null;
  if (dy === null) return { xs, gs: null };
  const gs = contiguousF32(dy);
  // Unequal shapes are the scalar kernel's to reject (with its message).
  const sameShape = x.rank === dy.rank && x.shape.every((d, i) => d === dy.shape[i]);
  return gs !== null && sameShape ? { xs, gs } : null;
}

/** dst = gelu(xs), or dy * gelu'(xs) when gs is given (all of one length). */
export function geluInto(xs: Float32Array, gs: Float32Array | null, dst: Float32Array): void {
  const chunk = Math.min(xs.length, CHUNK);
  const { arena } = claimArena('gelu', 3 * region(chunk));
  const f = arena.f32;
  const [pdy, pout] = [region(chunk), 2 * region(chunk)];
  for (let s = 0; s < xs.length; s += chunk) {
    const len = Math.min(chunk, xs.length - s);
    f.set(xs.subarray(s, s + len), 0);
    if (gs === null) arena.kernels.gelu_f32(0, pout, len);
    else {
      f.set(gs.subarray(s, s + len), pdy / F32);
      arena.kernels.gelu_grad_f32(0, pdy, pout, len);
    }
    dst.set(f.subarray(pout / F32, pout / F32 + len), s);
  }
}

/** gelu(x) on the wasm tier, or null where the scalar kernel must run it. */
export function geluWasm(x: NDArray, approximate: GeluApproximate): NDArray | null {
  return geluOnThread(x, null, approximate);
}

/** dy * gelu'(x) on the wasm tier, or null where the scalar kernel must run it. */
export function geluBackwardWasm(x: NDArray, dy: NDArray, approximate: GeluApproximate): NDArray | null {
  return geluOnThread(x, dy, approximate);
}

function geluOnThread(x: NDArray, dy: NDArray | null, approximate: GeluApproximate): NDArray | null {
  const ops = geluOperands(x, dy, approximate);
  if (ops === null) return null;
  const out = allocate('float32', ops.xs.length, 'empty');
  geluInto(ops.xs, ops.gs, out);
  return NDArray.of(out, x.shape);
}
