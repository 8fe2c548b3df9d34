/**
 * How the wasm-tier wrappers lay float32 operands out in the arena: each in its own region, rounded up to
 * whole 64-byte lines plus one spare line, so a kernel's last vector may read or write past an operand's
 * end without touching the next one.
 */
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import type { Shape } from '../shape';
import type { Arena } from './kernel-module';

export const F32 = 4;

/**
 * Allocates a wrapper's float32 output of n elements, every one of which the wrapper writes. The CPU
 * backend passes one that puts large outputs on shared storage when it runs a worker pool
 * (cpu/pool-outputs.ts); the default allocates ordinary storage.
 */
export type OutputAllocator = (n: number) => Float32Array;

/** Ordinary ('empty': the caller writes every element) float32 storage. */
export const plainOutput: OutputAllocator = (n) => allocate('float32', n, 'empty');

/**
 * Floats per chunk (1 MiB): wrappers of memory-bound kernels run long operands in chunks of about this
 * many, so the arena (which never shrinks) stays a few MiB, and each chunk is still in cache when the
 * kernel reads what was just copied in.
 */
export const CHUNK = 1 << 18;

/** Bytes of a region for n floats (or n * width bytes, for wider elements). */
export function region(n: number, width = F32): number {
  return Math.ceil((n * width) / 64) * 64 + 64;
}

/** The storage of x as a float32 subarray when x is float32 and stored contiguously, else null. */
export function contiguousF32(x: NDArray): Float32Array | null {
  if (x.dtype !== 'float32' || !x.isContiguous || !(x.data instanceof Float32Array)) return null;
  return x.data.subarray(x.offset, x.offset + x.size);
}

/**
 * When float32 x is one contiguous block of its trailing dims repeated over its leading dims (stride 0
 * there, as `expand` or broadcasting leaves a bias row or a positional table), that block; else null.
 * A contiguous x is the case with no repeated dim (the block is all of x).
 */
export function repeatedBlock(x: NDArray): Float32Array | null {
  if (x.dtype !== 'float32' || !(x.data instanceof Float32Array)) return null;
  let block = 1;
  let repeating = false;
  for (let i = x.rank - 1; i >= 0; i--) {
    const d = x.shape[i];
    if (d === 1) continue;
    const s = x.strides[i];
    if (s === 0) repeating = true;
    else if (repeating || s !== block) return null;
    else block *= d;
  }
  return x.data.subarray(x.offset, x.offset + block);
}

/** A fresh float32 NDArray of `shape` holding the n floats at byte address `at` of the arena. */
export function copyOut(arena: Arena, at: number, shape: Shape, n: number): NDArray {
  const out = allocate('float32', n, 'empty');
  out.set(arena.f32.subarray(at / F32, at / F32 + n));
  return NDArray.of(out, shape);
}
