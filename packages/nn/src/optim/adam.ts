/**
 * Adam (L2 weight decay added to the gradient) and AdamW (decoupled weight decay, Loshchilov & Hutter),
 * with the update written exactly as torch.optim.Adam / AdamW do it:
 *   m = m + (1 - b1) (g - m);  v = b2 v + (1 - b2) g^2
 *   denom = sqrt(v) / sqrt(1 - b2^t) + eps;  p -= (lr / (1 - b1^t)) m / denom
 * AdamW first shrinks p by (1 - lr * weightDecay).
 */
import { adamUpdateWasm, type KernelTier, resolveKernelTier } from '@gqa-lab/tensor';
import type { Parameter } from '../parameter';
import { type FloatArray, Optimizer, type ParamGroupSpec } from './optimizer';

export type AdamHyper = {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  /** Use the running maximum of v (Reddi et al.), as torch's amsgrad flag. */
  amsgrad: boolean;
};

type AdamState = { step: number; expAvg: FloatArray; expAvgSq: FloatArray; maxExpAvgSq?: FloatArray };

abstract class AdamBase extends Optimizer<AdamHyper, AdamState> {
  protected readonly stateFields = {
    numbers: ['step'],
    arrays: ['expAvg', 'expAvgSq', 'maxExpAvgSq'],
    optional: ['maxExpAvgSq'],
  };
  /** True for AdamW: weight decay shrinks the parameter instead of joining the gradient. */
  protected abstract readonly decoupled: boolean;
  /**
   * The kernel tier of the update: 'wasm' runs float32 parameters (without amsgrad) through one SIMD
   * kernel (tensor's adamUpdateWasm), bit-identical to the loop below, which runs everything else.
   * GQA_KERNELS or the best available, as the CPU backend picks it.
   */
  protected readonly kernels: KernelTier = resolveKernelTier();
  protected validateGroup(g: AdamHyper): void {
    const name = this.label;
    const [b1, b2] = g.betas;
    if (!(g.lr >= 0)) throw new RangeError(`${name}: lr must be >= 0, got ${g.lr}`);
    if (!(g.eps >= 0)) throw new RangeError(`${name}: eps must be >= 0, got ${g.eps}`);
    if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1))
      throw new RangeError(`${name}: betas must be in [0, 1), got [${b1}, ${b2}]`);
    if (!(g.weightDecay >= 0))
      throw new RangeError(`${name}: weightDecay must be >= 0, got ${g.weightDecay}`);
  }

  protected updateParam(
    param: FloatArray,
    grad: FloatArray,
    g: AdamHyper,
    state: AdamState | undefined,
  ): AdamState {
    const n = param.length;
    const alloc = () => (param instanceof Float64Array ? new Float64Array(n) : new Float32Array(n));
    const s: AdamState = state ?? { step: 0, expAvg: alloc(), expAvgSq: alloc() };
    if (g.amsgrad && !s.maxExpAvgSq) s.maxExpAvgSq = alloc();
    s.step += 1;
    const { lr, eps, weightDecay: wd } = g;
    const [b1, b2] = g.betas;
    const stepSize = lr / (1 - b1 ** s.step);
    const bc2Sqrt = Math.sqrt(1 - b2 ** s.step);
    const shrink = 1 - lr * wd;
    const { expAvg: m, expAvgSq: v } = s;
    const vMax = g.amsgrad ? s.maxExpAvgSq : undefined;
    if (
      this.kernels === 'wasm' &&
      !vMax &&
      param instanceof Float32Array &&
      grad instanceof Float32Array &&
      m instanceof Float32Array &&
      v instanceof Float32Array
    ) {
      const decay = wd === 0 ? 'none' : this.decoupled ? 'decoupled' : 'coupled';
      adamUpdateWasm(param, grad, m, v, {
        decay,
        shrink,
        weightDecay: wd,
        beta1: b1,
        beta2: b2,
        stepSize,
        bc2Sqrt,
        eps,
      });
      return s;
    }
    for (let i = 0; i < n; i++) {
      let gi = grad[i];
      if (wd !== 0) {
        if (this.decoupled) param[i] *= shrink;
        else gi += wd * param[i];
      }
      m[i] += (1 - b1) * (gi - m[i]);
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      let vHat = v[i];
      if (vMax) {
        if (vMax[i] < vHat) vMax[i] = vHat;
        vHat = vMax[i];
      }
      param[i] -= (stepSize * m[i]) / (Math.sqrt(vHat) / bc2Sqrt + eps);
    }
    return s;
  }
}

export type AdamOptions = Partial<AdamHyper>;

/** torch.optim.Adam defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0 (L2, coupled). */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Iterable<Parameter> | readonly ParamGroupSpec<AdamHyper>[], opts: AdamOptions = {}) {
    super('Adam', params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      ...opts,
    });
  }
}

/** torch.optim.AdamW defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.01 (decoupled). */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Iterable<Parameter> | readonly ParamGroupSpec<AdamHyper>[], opts: AdamOptions = {}) {
    super('AdamW', params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0.01,
      amsgrad: false,
      ...opts,
    });
  }
}
