/** Layer norm over the last dim, forward and backward, statistics in float64. */
import type { LayerNormGrads, LayerNormResult } from '../backend';
import { checkLayerNorm, checkLayerNormBackward, rowsOf } from '../checks/layer-norm';
import { allocate } from '../dtype';
import { NDArray } from '../ndarray';
import { planWalk } from './walk';

function statsShape(x: NDArray): number[] {
  return [...x.shape.slice(0, -1), 1];
}

/** (x - mean) * rstd * weight + bias over the last dim; returns the output and the saved statistics. */
export function layerNormKernel(
  x: NDArray,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
): LayerNormResult {
  checkLayerNorm(x, weight, bias);
  const C = x.shape[x.rank - 1];
  const { rows, steps, starts } = planWalk(x.shape, [x], true);
  const d = steps[0];
  const src = x.data;
  const out = allocate(x.dtype, x.size);
  const means = allocate(x.dtype, rowsOf(x));
  const rstds = allocate(x.dtype, rowsOf(x));
  // Statistics of an empty last dim are undefined (0 / 0), as in torch.
  if (C === 0) {
    means.fill(Number.NaN);
    rstds.fill(Number.NaN);
  }
  const W = affineValues(weight, C, 1);
  const B = affineValues(bias, C, 0);
  for (let r = 0; r < rows; r++) {
    const p0 = starts[0][r];
    // Two partial sums per pass: a single chain of float64 adds is latency-bound.
    const pairs = C >> 1;
    let s0 = 0;
    let s1 = 0;
    for (let j = 0, p = p0; j < pairs; j++, p += 2 * d) {
      s0 += src[p];
      s1 += src[p + d];
    }
    if (C & 1) s0 += src[p0 + (C - 1) * d];
    const mean = (s0 + s1) / C;
    let q0 = 0;
    let q1 = 0;
    for (let j = 0, p = p0; j < pairs; j++, p += 2 * d) {
      const c0 = src[p] - mean;
      const c1 = src[p + d] - mean;
      q0 += c0 * c0;
      q1 += c1 * c1;
    }
    if (C & 1) {
      const c = src[p0 + (C - 1) * d] - mean;
      q0 += c * c;
    }
    const sq = q0 + q1;
    const rstd = 1 / Math.sqrt(sq / C + eps);
    means[r] = mean;
    rstds[r] = rstd;
    for (let j = 0, p = p0, o = r * C; j < C; j++, p += d) out[o++] = (src[p] - mean) * rstd * W[j] + B[j];
  }
  return {
    out: NDArray.of(out, x.shape),
    mean: NDArray.of(means, statsShape(x)),
    rstd: NDArray.of(rstds, statsShape(x)),
  };
}

/**
 * weight or bias as float64 values in a fresh array, or `fill` (1 or 0) when absent: the row loops then
 * have no branch and read one monomorphic array (x * 1 and x + 0 are exact, but x + 0 turns -0 into +0).
 */
export function affineValues(p: NDArray | null, C: number, fill: number): Float64Array {
  if (p === null) return new Float64Array(C).fill(fill);
  const values = new Float64Array(C);
  for (let j = 0, i = p.offset; j < C; j++, i += p.strides[0]) values[j] = p.data[i];
  return values;
}

/**
 * With xhat = (x - mean) * rstd and g = dy * weight:
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), dweight = sum(dy * xhat), dbias = sum(dy) over rows.
 */
export function layerNormBackwardKernel(
  dy: NDArray,
  x: NDArray,
  weight: NDArray | null,
  mean: NDArray,
  rstd: NDArray,
  hasBias: boolean,
): LayerNormGrads {
  checkLayerNormBackward(dy, x, weight, mean, rstd);
  const C = x.shape[x.rank - 1];
  const M = mean.values();
  const R = rstd.values();
  const { rows, steps, starts } = planWalk(x.shape, [x, dy], true);
  const [sx, sg] = steps;
  const X = x.data;
  const G = dy.data;
  const W = affineValues(weight, C, 1);
  const dx = allocate(x.dtype, x.size);
  const dw = new Float64Array(C);
  const db = new Float64Array(C);
  const xhat = new Float64Array(C); // one row of (x - mean) * rstd
  const g = new Float64Array(C); // one row of dy * weight
  for (let r = 0; r < rows; r++) {
    const mu = M[r];
    const rs = R[r];
    // Two partial sums each, over even and odd columns (as the forward's statistics; the wasm tier's
    // f64x2 lanes sum in this same order, so both tiers agree bit for bit).
    let sumG0 = 0;
    let sumG1 = 0;
    let sumGX0 = 0;
    let sumGX1 = 0;
    for (let j = 0, p = starts[0][r], q = starts[1][r]; j < C; j++, p += sx, q += sg) {
      const xh = (X[p] - mu) * rs;
      const gy = G[q];
      const gw = gy * W[j];
      xhat[j] = xh;
      g[j] = gw;
      if ((j & 1) === 0) {
        sumG0 += gw;
        sumGX0 += gw * xh;
      } else {
        sumG1 += gw;
        sumGX1 += gw * xh;
      }
      dw[j] += gy * xh;
      db[j] += gy;
    }
    const meanG = (sumG0 + sumG1) / C;
    const meanGX = (sumGX0 + sumGX1) / C;
    for (let j = 0, o = r * C; j < C; j++) dx[o++] = rs * (g[j] - meanG - xhat[j] * meanGX);
  }
  const toArray = (acc: Float64Array): NDArray => {
    const t = allocate(x.dtype, C);
    t.set(acc);
    return NDArray.of(t, [C]);
  };
  return {
    dx: NDArray.of(dx, x.shape),
    dweight: weight ? toArray(dw) : null,
    dbias: hasBias ? toArray(db) : null,
  };
}
