/** Layer norm over the last dim and its gradients composed from basic kernels (reduce, element-wise). */
import type { Backend, LayerNormGrads, LayerNormResult } from './backend';
import { checkLayerNorm, checkLayerNormBackward } from './checks/layer-norm';
import { constant, keptShape } from './composed-helpers';
import type { NDArray } from './ndarray';

/** (x - mean) * rstd * weight + bias, rstd = 1 / sqrt(biased variance + eps), statistics shaped (..., 1). */
export function composedLayerNorm(
  be: Backend,
  x: NDArray,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
): LayerNormResult {
  checkLayerNorm(x, weight, bias);
  const last = x.rank - 1;
  const mean = be.reduce.mean(x, [last], true); // (..., 1)
  const centered = be.binary.sub(x, mean.expand(x.shape));
  const variance = be.reduce.mean(be.unary.square(centered), [last], true);
  const rstd = be.unary.rsqrt(be.binary.add(variance, constant(eps, variance))); // (..., 1)
  let out = be.binary.mul(centered, rstd.expand(x.shape));
  if (weight) out = be.binary.mul(out, weight.expand(x.shape));
  if (bias) out = be.binary.add(out, bias.expand(x.shape));
  return { out, mean, rstd };
}

/**
 * With xhat = (x - mean) * rstd and g = dy * weight, per row:
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)); dweight = sum over rows of dy * xhat, dbias = sum of dy.
 */
export function composedLayerNormBackward(
  be: Backend,
  dy: NDArray,
  x: NDArray,
  weight: NDArray | null,
  mean: NDArray,
  rstd: NDArray,
  hasBias: boolean,
): LayerNormGrads {
  checkLayerNormBackward(dy, x, weight, mean, rstd);
  const last = x.rank - 1;
  const stats = keptShape(x, last);
  const rows = (s: NDArray) => s.reshape(stats).expand(x.shape); // a (..., 1) statistic over x's shape
  const xhat = be.binary.mul(be.binary.sub(x, rows(mean)), rows(rstd));
  const g = weight ? be.binary.mul(dy, weight.expand(x.shape)) : dy;
  const meanG = be.reduce.mean(g, [last], true).expand(x.shape);
  const meanGX = be.reduce.mean(be.binary.mul(g, xhat), [last], true).expand(x.shape);
  const inner = be.binary.sub(be.binary.sub(g, meanG), be.binary.mul(xhat, meanGX));
  const dx = be.binary.mul(rows(rstd), inner);
  const lead = Array.from({ length: last }, (_, i) => i);
  return {
    dx,
    dweight: weight ? be.reduce.sum(be.binary.mul(dy, xhat), lead, false) : null,
    dbias: hasBias ? be.reduce.sum(dy, lead, false) : null,
  };
}
