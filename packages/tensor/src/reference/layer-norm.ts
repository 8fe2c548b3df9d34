/** Layer norm over the last dim and its gradients, one row at a time, statistics in float64. */
import type { LayerNormGrads, LayerNormResult } from '../backend';
import { checkLayerNorm, checkLayerNormBackward } from '../checks/layer-norm';
import type { NDArray } from '../ndarray';
import { sizeOf } from '../shape';
import { elements, store } from './loops';

/** Mean and 1 / sqrt(biased variance + eps) of one row. */
function statsOf(row: readonly number[], eps: number): { mean: number; rstd: number } {
  const C = row.length;
  const mean = row.reduce((s, v) => s + v, 0) / C;
  const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / C;
  return { mean, rstd: 1 / Math.sqrt(variance + eps) };
}

/** The rows of x (all dims but the last flattened) as lists of numbers. */
function lastDimRows(x: NDArray): number[][] {
  const C = x.shape[x.rank - 1];
  const X = elements(x);
  return Array.from({ length: sizeOf(x.shape.slice(0, -1)) }, (_, r) => X.slice(r * C, (r + 1) * C));
}

/** out = (x - mean) * rstd * weight + bias per row; mean and rstd saved with shape (..., 1). */
export function layerNorm(
  x: NDArray,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
): LayerNormResult {
  checkLayerNorm(x, weight, bias);
  const W = weight ? elements(weight) : null;
  const B = bias ? elements(bias) : null;
  const out: number[] = [];
  const means: number[] = [];
  const rstds: number[] = [];
  for (const row of lastDimRows(x)) {
    const { mean, rstd } = statsOf(row, eps);
    means.push(mean);
    rstds.push(rstd);
    row.forEach((v, j) => {
      out.push((v - mean) * rstd * (W ? W[j] : 1) + (B ? B[j] : 0));
    });
  }
  const statsShape = [...x.shape.slice(0, -1), 1];
  return {
    out: store(out, x.shape, x.dtype),
    mean: store(means, statsShape, x.dtype),
    rstd: store(rstds, statsShape, x.dtype),
  };
}

/**
 * With xhat = (x - mean) * rstd and g = dy * weight, per row:
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)); dweight = sum over rows of dy * xhat, dbias = sum of dy.
 */
export function layerNormBackward(
  dy: NDArray,
  x: NDArray,
  weight: NDArray | null,
  mean: NDArray,
  rstd: NDArray,
  hasBias: boolean,
): LayerNormGrads {
  checkLayerNormBackward(dy, x, weight, mean, rstd);
  const C = x.shape[x.rank - 1];
  const W = weight ? elements(weight) : null;
  const M = elements(mean);
  const R = elements(rstd);
  const dyRows = lastDimRows(dy);
  const dx: number[] = [];
  const dw = new Array<number>(C).fill(0);
  const db = new Array<number>(C).fill(0);
  lastDimRows(x).forEach((row, r) => {
    const xhat = row.map((v) => (v - M[r]) * R[r]);
    const g = dyRows[r].map((v, j) => v * (W ? W[j] : 1));
    const meanG = g.reduce((s, v) => s + v, 0) / C;
    const meanGX = g.reduce((s, v, j) => s + v * xhat[j], 0) / C;
    for (let j = 0; j < C; j++) {
      dx.push(R[r] * (g[j] - meanG - xhat[j] * meanGX));
      dw[j] += dyRows[r][j] * xhat[j];
      db[j] += dyRows[r][j];
    }
  });
  return {
    dx: store(dx, x.shape, x.dtype),
    dweight: weight ? store(dw, [C], x.dtype) : null,
    dbias: hasBias ? store(db, [C], x.dtype) : null,
  };
}
