/** Gradient clipping by total norm (torch.nn.utils.clip_grad_norm_). */
import { Tensor } from '@gqa-lab/autograd';
import { NDArray } from '@gqa-lab/tensor';
import type { Parameter } from '../parameter';

export interface ClipGradNormOptions {
  /** 2 (default) for the L2 norm, Infinity for the largest |g|. */
  normType?: 2 | typeof Number.POSITIVE_INFINITY;
  /** Throw instead of scaling when the total norm is NaN or infinite (default false). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales every gradient by min(1, maxNorm / (total + 1e-6)) and returns the total norm before clipping.
 * The norm is accumulated in float64. Scaled gradients are written to fresh storage because one
 * gradient tensor may be shared by several parameters (e.g. both inputs of an add), and scaling it
 * in place would scale it twice.
 */
export function clipGradNorm(
  params: Iterable<Parameter>,
  maxNorm: number,
  opts: ClipGradNormOptions = {},
): number {
  if (!(maxNorm >= 0)) throw new RangeError(`clipGradNorm: maxNorm must be >= 0, got ${maxNorm}`);
  const normType = opts.normType ?? 2;
  const withGrad = [...params].filter((p) => p.grad !== null);
  let acc = 0;
  for (const p of withGrad) {
    const g = p.grad?.data.values() ?? [];
    if (normType === 2) for (let i = 0; i < g.length; i++) acc += g[i] * g[i];
    else for (let i = 0; i < g.length; i++) acc = Math.max(acc, Math.abs(g[i]));
  }
  const total = normType === 2 ? Math.sqrt(acc) : acc;
  if (!Number.isFinite(total)) {
    if (opts.errorIfNonfinite)
      throw new RangeError(
        `clipGradNorm: the total norm of ${withGrad.length} gradients is ${total}; refusing to clip (errorIfNonfinite)`,
      );
  }
  const coef = Math.min(1, maxNorm / (total + 1e-6));
  if (coef < 1 || Number.isNaN(coef)) {
    for (const p of withGrad) {
      const grad = p.grad;
      if (!grad) continue;
      const src = grad.data.values();
      const out = grad.dtype === 'float64' ? new Float64Array(src.length) : new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i] * coef;
      p.grad = new Tensor(NDArray.of(out, grad.shape), false);
    }
  }
  return total;
}
