/**
 * Layer norm's forward (float32, wasm tier) on the worker pool: units are blocks of rows, each normalised
 * by the same kernel as on one thread (wasm/layer-norm.ts), so results are bit-identical for any thread
 * count. Its output feeds the next Linear, which reads it in place from shared storage. (The backward
 * stays on one thread: its weight and bias gradients sum over all rows in one fixed order.)
 */
import type { LayerNormResult } from '../backend';
import { checkLayerNorm, rowsOf } from '../checks/layer-norm';
import { allocateShared } from '../dtype';
import type { NDArray } from '../ndarray';
import { type AffineRows, layerNormInto, layerNormResult, layerNormRows } from '../wasm/layer-norm';
import { affineValues } from './layer-norm';
import type { MatmulThreading } from './matmul';
import { poolRuns, runPoolJob, SharedCopies } from './thread-pool';

/** Floats of x per unit: 128 KiB, a few units per thread at a ViT's activation size. */
const UNIT = 1 << 15;
/**
 * Time of one element in matmul multiply-adds, to weigh a job against threading.minMacs: the kernel
 * takes about 2 ns an element where the GEMM does a multiply-add in 0.05 ns (C-step profile, wasm tier).
 */
const LAYER_NORM_MACS = 40;

/** A layer norm job as the pool posts it. */
export interface LayerNormJobMessage {
  readonly job: 'layerNorm';
  readonly seq: number;
  readonly src: Float32Array;
  readonly C: number;
  readonly affine: AffineRows;
  readonly eps: number;
  readonly out: Float32Array;
  readonly means: Float32Array;
  readonly rstds: Float32Array;
}

/** Rows per unit for rows of C floats. */
function unitRows(C: number): number {
  return Math.max(1, Math.floor(UNIT / C));
}

/** The units of a layer norm job: blocks of unitRows(C) rows. */
export function layerNormUnits(m: LayerNormJobMessage): { total: number; run: (unit: number) => void } {
  const { C, means } = m;
  const per = unitRows(C);
  return {
    total: Math.ceil(means.length / per),
    run: (u) => {
      const [r0, r1] = [u * per, Math.min(means.length, (u + 1) * per)];
      const rows = (a: Float32Array, width: number) => a.subarray(r0 * width, r1 * width);
      layerNormInto(rows(m.src, C), C, m.affine, m.eps, rows(m.out, C), rows(means, 1), rows(m.rstds, 1));
    },
  };
}

/** layerNorm on the pool, or null when it should run on this thread. */
export function layerNormOnPool(
  x: NDArray,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
  threading: MatmulThreading,
): LayerNormResult | null {
  checkLayerNorm(x, weight, bias);
  const operands = layerNormRows(x);
  if (operands === null || threading.threads < 2 || !poolRuns()) return null;
  const { C } = operands;
  const rows = rowsOf(x);
  const total = Math.ceil(rows / unitRows(C));
  if (total < 2 || x.size * LAYER_NORM_MACS < threading.minMacs) return null;
  const copies = new SharedCopies();
  const src = copies.of(operands.src);
  const affine = { weight: affineValues(weight, C, 1), bias: affineValues(bias, C, 0) };
  const out = allocateShared('float32', x.size, 'empty');
  const [means, rstds] = [rows, rows].map((n) => allocateShared('float32', n, 'empty'));
  const done = runPoolJob(total, threading, copies, (seq) => {
    const message: LayerNormJobMessage = { job: 'layerNorm', seq, src, C, affine, eps, out, means, rstds };
    return { message, run: layerNormUnits(message).run };
  });
  return done ? layerNormResult(x, out, means, rstds) : null;
}
