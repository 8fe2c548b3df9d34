/**
 * softmax, its backward and logsumexp (log-softmax's kernel: autograd forms x - logsumexp(x)) on the
 * WebAssembly tier, over the last axis of float32 arrays stored contiguously: rows are copied into the
 * arena padded to whole vectors, one row kernel runs, the result is copied out. Other axes, dtypes and
 * views, empty rows and arrays return null (the scalar kernels in cpu/softmax.ts run them: the reference).
 */
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { normalizeAxis, reducedShape, sizeOf } from '../shape';
import { claimArena } from './kernel-module';
import { contiguousF32 } from './operands';
import { roundUp, rowsIn, rowsOut } from './row-io';

const F32 = 4;

/** x's storage and row sizes when x qualifies for the fast path, else null. */
function lastAxisRows(op: string, x: NDArray, axis: number) {
  const src = contiguousF32(x);
  if (src === null || x.size === 0 || normalizeAxis(op, axis, x.rank) !== x.rank - 1) return null;
  const n = x.shape[x.rank - 1];
  return { src, n, rows: x.size / n, ld: roundUp(n, 4) };
}

/**
 * Runs softmax_f32 on x's rows (padded with -Infinity, which weighs 0); returns the arena and where the
 * normalised rows (at 0, ld floats apart) and the (max, sum) pairs are.
 */
function runSoftmax(src: Float32Array, n: number, rows: number, ld: number) {
  const statsAt = rows * ld * F32;
  const { arena } = claimArena('softmax', statsAt + 2 * rows * F32);
  rowsIn(src, n, arena.f32, 0, ld, Number.NEGATIVE_INFINITY);
  arena.kernels.softmax_f32(0, 0, rows, n, ld * F32, statsAt);
  return { f32: arena.f32, statsAt: statsAt / F32 };
}

/** softmax(x, axis) on the wasm tier, or null where the scalar kernel must run it. */
export function softmaxWasm(x: NDArray, axis: number): NDArray | null {
  const at = lastAxisRows('softmax', x, axis);
  if (at === null) return null;
  const { src, n, rows, ld } = at;
  const { f32 } = runSoftmax(src, n, rows, ld);
  const out = allocate('float32', x.size);
  rowsOut(f32, 0, ld, rows, n, out);
  return NDArray.of(out, x.shape);
}

/** logsumexp(x, axis) = max + log(sum exp(x - max)) on the wasm tier, or null. */
export function logsumexpWasm(x: NDArray, axis: number, keepdims: boolean): NDArray | null {
  const at = lastAxisRows('logsumexp', x, axis);
  if (at === null) return null;
  const { src, n, rows, ld } = at;
  const { f32, statsAt } = runSoftmax(src, n, rows, ld);
  const shape = reducedShape(x.shape, [x.rank - 1], keepdims);
  const out = allocate('float32', sizeOf(shape));
  for (let r = 0; r < rows; r++) {
    const max = f32[statsAt + 2 * r];
    // An infinite or NaN max is the answer itself (as the scalar kernel gives).
    out[r] = Number.isFinite(max) ? max + Math.log(f32[statsAt + 2 * r + 1]) : max;
  }
  return NDArray.of(out, shape);
}

/** dx = y (dy - sum(y dy)) over the last axis on the wasm tier, or null. */
export function softmaxBackwardWasm(y: NDArray, dy: NDArray, axis: number): NDArray | null {
  const at = lastAxisRows('softmaxBackward', y, axis);
  const g = contiguousF32(dy);
  // Unequal shapes are the scalar kernel's to reject (with its message).
  const sameShape = y.rank === dy.rank && y.shape.every((d, i) => d === dy.shape[i]);
  if (at === null || g === null || !sameShape) return null;
  const { src, n, rows, ld } = at;
  const dyAt = rows * ld;
  const { arena } = claimArena('softmax', 2 * dyAt * F32);
  // Pads are 0 in both, so they add nothing to sum(y dy).
  rowsIn(src, n, arena.f32, 0, ld, 0);
  rowsIn(g, n, arena.f32, dyAt, ld, 0);
  arena.kernels.softmax_grad_f32(0, dyAt * F32, dyAt * F32, rows, ld, ld * F32);
  const out = allocate('float32', y.size);
  rowsOut(arena.f32, dyAt, ld, rows, n, out);
  return NDArray.of(out, y.shape);
}
