/**
 * Layer norm forward and backward on the wasm tier, for float32 x (and dy) stored contiguously: the
 * operands go into the arena (weight and bias as float64 rows, as the scalar kernel reads them), one
 * kernel call runs every row, the results are copied out. Anything else returns null (scalar kernels).
 */
import type { LayerNormGrads, LayerNormResult } from '../backend';
import { checkLayerNorm, checkLayerNormBackward, rowsOf } from '../checks/layer-norm';
import { affineValues } from '../cpu/layer-norm';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { type Arena, claimArena } from './kernel-module';
import { contiguousF32, copyOut, F32, region } from './operands';

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

function f64View(arena: Arena, at: number, n: number): Float64Array {
  return new Float64Array(arena.memory.buffer, at, n);
}

/** (x - mean) * rstd * weight + bias on the wasm tier, or null where the scalar kernel must run it. */
export function layerNormWasm(
  x: NDArray,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
): LayerNormResult | null {
  checkLayerNorm(x, weight, bias);
  const src = contiguousF32(x);
  const C = x.shape[x.rank - 1];
  if (src === null || C === 0 || x.size === 0) return null;
  const rows = rowsOf(x);
  const {
    at: [pw, pb, pm, pr, px, po],
    bytes,
  } = layout([region(C, F64), region(C, F64), region(rows), region(rows), region(x.size), region(x.size)]);
  const { arena } = claimArena('layerNorm', bytes);
  f64View(arena, pw, C).set(affineValues(weight, C, 1));
  f64View(arena, pb, C).set(affineValues(bias, C, 0));
  arena.f32.set(src, px / F32);
  arena.kernels.layer_norm_f32(px, pw, pb, po, pm, pr, rows, C, eps);
  const stats = [...x.shape.slice(0, -1), 1];
  return {
    out: copyOut(arena, po, x.shape, x.size),
    mean: copyOut(arena, pm, stats, rows),
    rstd: copyOut(arena, pr, stats, rows),
  };
}

/** dx, dweight, dbias of layer norm on the wasm tier, or null where the scalar kernel must run it. */
export function layerNormBackwardWasm(
  dy: NDArray,
  x: NDArray,
  weight: NDArray | null,
  mean: NDArray,
  rstd: NDArray,
  hasBias: boolean,
): LayerNormGrads | null {
  checkLayerNormBackward(dy, x, weight, mean, rstd);
  const xs = contiguousF32(x);
  const gs = contiguousF32(dy);
  const C = x.shape[x.rank - 1];
  if (xs === null || gs === null || mean.dtype !== 'float32' || C === 0 || x.size === 0) return null;
  const rows = rowsOf(x);
  const wide = region(C, F64);
  const {
    at: [pw, pxh, pg, pdw, pdb, pm, pr, px, pdy, pdx],
    bytes,
  } = layout([
    wide,
    wide,
    wide,
    wide,
    wide,
    region(rows),
    region(rows),
    region(x.size),
    region(x.size),
    region(x.size),
  ]);
  const { arena } = claimArena('layerNorm', bytes);
  f64View(arena, pw, C).set(affineValues(weight, C, 1));
  f64View(arena, pdw, C).fill(0);
  f64View(arena, pdb, C).fill(0);
  arena.f32.set(mean.values(), pm / F32);
  arena.f32.set(rstd.values(), pr / F32);
  arena.f32.set(xs, px / F32);
  arena.f32.set(gs, pdy / F32);
  arena.kernels.layer_norm_grad_f32(px, pdy, pw, pm, pr, pdx, pxh, pg, pdw, pdb, rows, C);
  const sums = (at: number): NDArray => {
    const t = allocate('float32', C);
    t.set(f64View(arena, at, C));
    return NDArray.of(t, [C]);
  };
  return {
    dx: copyOut(arena, pdx, x.shape, x.size),
    dweight: weight ? sums(pdw) : null,
    dbias: hasBias ? sums(pdb) : null,
  };
}
