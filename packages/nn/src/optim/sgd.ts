/** Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay (torch.optim.SGD). */
import type { Parameter } from '../parameter';
import { type FloatArray, Optimizer, type ParamGroupSpec } from './optimizer';

export type SGDHyper = {
  lr: number;
  momentum: number;
  dampening: number;
  /** L2 penalty added to the gradient (coupled, as in torch.optim.SGD). */
  weightDecay: number;
  nesterov: boolean;
};

type SGDState = { momentumBuffer?: FloatArray };

export class SGD extends Optimizer<SGDHyper, SGDState> {
  protected readonly stateFields = { numbers: [], arrays: ['momentumBuffer'], optional: ['momentumBuffer'] };

  constructor(
    params: Iterable<Parameter> | readonly ParamGroupSpec<SGDHyper>[],
    opts: Partial<SGDHyper> & { lr: number },
  ) {
    super('SGD', params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...opts });
  }

  protected validateGroup(g: SGDHyper): void {
    if (!(g.lr >= 0)) throw new RangeError(`SGD: lr must be >= 0, got ${g.lr}`);
    if (!(g.momentum >= 0)) throw new RangeError(`SGD: momentum must be >= 0, got ${g.momentum}`);
    if (!(g.weightDecay >= 0)) throw new RangeError(`SGD: weightDecay must be >= 0, got ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new RangeError(
        `SGD: nesterov needs momentum > 0 and dampening 0, got ${g.momentum} and ${g.dampening}`,
      );
  }

  /**
   * d = g + wd * p; buf = d on the first step, else momentum * buf + (1 - dampening) * d;
   * d = nesterov ? d + momentum * buf : buf; p -= lr * d.
   */
  protected updateParam(
    param: FloatArray,
    grad: FloatArray,
    g: SGDHyper,
    state: SGDState | undefined,
  ): SGDState {
    const { lr, momentum, dampening, weightDecay: wd, nesterov } = g;
    const n = param.length;
    if (momentum === 0) {
      for (let i = 0; i < n; i++) param[i] -= lr * (grad[i] + wd * param[i]);
      return state ?? {};
    }
    let buf = state?.momentumBuffer;
    const first = buf === undefined;
    if (!buf) buf = param instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const d = wd !== 0 ? grad[i] + wd * param[i] : grad[i];
      const b = first ? d : momentum * buf[i] + (1 - dampening) * d;
      buf[i] = b;
      // Use the stored (rounded) buffer value, as torch does when it reads buf back.
      param[i] -= lr * (nesterov ? d + momentum * buf[i] : buf[i]);
    }
    return { momentumBuffer: buf };
  }
}
