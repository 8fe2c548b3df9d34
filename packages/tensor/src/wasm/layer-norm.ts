/**
 * Layer norm forward and backward on the wasm tier, for float32 x (and dy) stored contiguously: the
 * operands go into the arena (weight and bias as float64 rows, as the scalar kernel reads them), one
 * kernel call runs each chunk of rows (about CHUNK floats, operands.ts), its results are copied out.
 * The forward also runs on the worker pool (cpu/layer-norm-pool.ts).
 * Anything else returns null (the scalar kernels run it).
 */
import type { LayerNormGrads, LayerNormResult } from '../backend';
import { checkLayerNorm, checkLayerNormBackward, rowsOf } from '../checks/layer-norm';
import { affineValues } from '../cpu/layer-norm';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { type Arena, claimArena } from './kernel-module';
import { CHUNK, contiguousF32, F32, type OutputAllocator, plainOutput, region } from './operands';

const F64 = 8;

/** Consecutive arena regions of the given byte sizes: their addresses and the total. */
function layout(sizes: readonly number[]): { at: number[]; bytes: number } {
  const at: number[] = [];
  let bytes = 0;
  for (const s of sizes) {
    at.push(bytes);
    bytes += s;
  }
  return { at, bytes };
}

/** Rows per chunk: about CHUNK floats, at least one row. */
function rowsPerChunk(C: number): number {
  return Math.max(1, Math.floor(CHUNK / C));
}

function f64View(arena: Arena, at: number, n: number): Float64Array {
  return new Float64Array(arena.memory.buffer, at, n);
}

/** The float32 rows of layer norm's x when the wasm tier runs it (C > 0, x not empty), else null. */
export function layerNormRows(x: NDArray): { src: Float32Array; C: number } | null {
  const src = contiguousF32(x);
  const C = x.shape[x.rank - 1];
  return src === null || C === 0 || x.size === 0 ? null : { src, C };
}

/** The affine rows as the kernel reads them: float64 weight (ones when absent) and bias (zeros). */
export interface AffineRows {
  readonly weight: Float64Array;
  readonly bias: Float64Array;
}

/**
 * Layer norm of the rows of `src` (C floats each) into out, and each row's mean and rstd. Rows are
 * normalised on their own, so any split into row ranges (the pool's: cpu/layer-norm-pool.ts) gives the same bits.
 */
export function layerNormInto(
  src: Float32Array,
  C: number,
  affine: AffineRows,
  eps: number,
  out: Float32Array,
  means: Float32Array,
  rstds: Float32Array,
): void {
  const rows = means.length;
  const per = rowsPerChunk(C);
  const {
    at: [pw, pb, pm, pr, px, po],
    bytes,
  } = layout([region(C, F64), region(C, F64), region(per), region(per), region(per * C), region(per * C)]);
  const { arena } = claimArena('layerNorm', bytes);
  const f = arena.f32;
  f64View(arena, pw, C).set(affine.weight);
  f64View(arena, pb, C).set(affine.bias);
  for (let r = 0; r < rows; r += per) {
    const k = Math.min(per, rows - r);
    f.set(src.subarray(r * C, (r + k) * C), px / F32);
    arena.kernels.layer_norm_f32(px, pw, pb, po, pm, pr, k, C, eps);
    out.set(f.subarray(po / F32, po / F32 + k * C), r * C);
    means.set(f.subarray(pm / F32, pm / F32 + k), r);
    rstds.set(f.subarray(pr / F32, pr / F32 + k), r);
  }
}

/** (x - mean) * rstd * weight + bias on the wasm tier, or null where the scalar kernel must run it. */
export function layerNormWasm(
  x: NDArray,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
): LayerNormResult | null {
  checkLayerNorm(x, weight, bias);
  const rows = layerNormRows(x);
  if (rows === null) return null;
  const { src, C } = rows;
  const [out, means, rstds] = [x.size, rowsOf(x), rowsOf(x)].map((n) => allocate('float32', n, 'empty'));
  const affine = { weight: affineValues(weight, C, 1), bias: affineValues(bias, C, 0) };
  layerNormInto(src, C, affine, eps, out, means, rstds);
  return layerNormResult(x, out, means, rstds);
}

/** out, mean, rstd as NDArrays: (..., C), and (..., 1) for the statistics. */
export function layerNormResult(
  x: NDArray,
  out: Float32Array,
  means: Float32Array,
  rstds: Float32Array,
): LayerNormResult {
  const stats = [...x.shape.slice(0, -1), 1];
  return { out: NDArray.of(out, x.shape), mean: NDArray.of(means, stats), rstd: NDArray.of(rstds, stats) };
}

/**
 * dx, dweight, dbias of layer norm on the wasm tier, or null where the scalar kernel must run it; `output`
 * allocates dx.
 */
export function layerNormBackwardWasm(
  dy: NDArray,
  x: NDArray,
  weight: NDArray | null,
  mean: NDArray,
  rstd: NDArray,
  hasBias: boolean,
  output: OutputAllocator = plainOutput,
): LayerNormGrads | null {
  checkLayerNormBackward(dy, x, weight, mean, rstd);
  const xs = contiguousF32(x);
  const gs = contiguousF32(dy);
  const C = x.shape[x.rank - 1];
  if (
    xs === null ||
    gs === null ||
    mean.dtype !== 'float32' ||
    rstd.dtype !== 'float32' ||
    C === 0 ||
    x.size === 0
  )
    return null;
  const rows = rowsOf(x);
  const per = rowsPerChunk(C);
  const wide = region(C, F64);
  const rowsRegion = region(per * C);
  const {
    at: [pw, pxh, pg, pdw, pdb, pm, pr, px, pdy, pdx],
    bytes,
  } = layout([wide, wide, wide, wide, wide, region(per), region(per), rowsRegion, rowsRegion, rowsRegion]);
  const { arena } = claimArena('layerNorm', bytes);
  const f = arena.f32;
  f64View(arena, pw, C).set(affineValues(weight, C, 1));
  // dweight / dbias keep summing over every chunk's rows, in row order
  f64View(arena, pdw, C).fill(0);
  f64View(arena, pdb, C).fill(0);
  const [M, R] = [mean.values(), rstd.values()];
  const dx = output(x.size);
  for (let r = 0; r < rows; r += per) {
    const k = Math.min(per, rows - r);
    f.set(M.subarray(r, r + k), pm / F32);
    f.set(R.subarray(r, r + k), pr / F32);
    f.set(xs.subarray(r * C, (r + k) * C), px / F32);
    f.set(gs.subarray(r * C, (r + k) * C), pdy / F32);
    arena.kernels.layer_norm_grad_f32(px, pdy, pw, pm, pr, pdx, pxh, pg, pdw, pdb, k, C);
    dx.set(f.subarray(pdx / F32, pdx / F32 + k * C), r * C);
  }
  const sums = (at: number): NDArray => {
    const t = allocate('float32', C);
    t.set(f64View(arena, at, C));
    return NDArray.of(t, [C]);
  };
  return {
    dx: NDArray.of(dx, x.shape),
    dweight: weight ? sums(pdw) : null,
    dbias: hasBias ? sums(pdb) : null,
  };
}
