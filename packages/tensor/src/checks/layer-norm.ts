/** Argument checks of layerNorm and its backward, shared by every backend. */
import type { NDArray } from '../ndarray';
import { formatShape } from '../shape';
import { assertSameShape } from './elementwise';

function checkAffine(op: string, x: NDArray, p: NDArray | null, role: string): void {
  if (p === null) return;
  const C = x.shape[x.rank - 1];
  if (p.rank !== 1 || p.shape[0] !== C) {
    throw new RangeError(
      `${op}: ${role} shape ${formatShape(p.shape)} must be [${C}] for x ${formatShape(x.shape)}`,
    );
  }
  if (p.dtype !== x.dtype)
    throw new TypeError(`${op}: ${role} dtype ${p.dtype} must equal x dtype ${x.dtype}`);
}

/** Number of rows (product of all dims but the last), also when the last dim is 0. */
export function rowsOf(x: NDArray): number {
  let n = 1;
  for (let i = 0; i < x.rank - 1; i++) n *= x.shape[i];
  return n;
}

/** Validates x (rank >= 1) and the optional weight / bias (C,) of x's dtype. */
export function checkLayerNorm(x: NDArray, weight: NDArray | null, bias: NDArray | null): void {
  if (x.rank < 1) throw new RangeError(`layerNorm: x must have rank >= 1, got ${formatShape(x.shape)}`);
  checkAffine('layerNorm', x, weight, 'weight');
  checkAffine('layerNorm', x, bias, 'bias');
}

/** Validates dy (x's shape), weight, and the saved mean / rstd (one value per row). */
export function checkLayerNormBackward(
  dy: NDArray,
  x: NDArray,
  weight: NDArray | null,
  mean: NDArray,
  rstd: NDArray,
): void {
  assertSameShape('layerNormBackward', dy, x);
  checkAffine('layerNormBackward', x, weight, 'weight');
  const rows = rowsOf(x);
  if (mean.size !== rows || rstd.size !== rows) {
    throw new RangeError(
      `layerNormBackward: mean ${formatShape(mean.shape)} and rstd ${formatShape(rstd.shape)} must have ${rows} elements for x ${formatShape(x.shape)}`,
    );
  }
}
