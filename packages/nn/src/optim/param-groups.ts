/** Splits a model's parameters into decay / no-decay groups, as timm's param_groups_weight_decay does. */
import type { Module } from '../module';
import type { Parameter } from '../parameter';

export interface DecayGroups {
  /** Weights of rank >= 2 (matrices, conv kernels, embeddings): decayed. */
  decay: { params: Parameter[]; weightDecay: number };
  /** Biases and rank-1 parameters (norm weights, tokens of shape (D,)): never decayed. */
  noDecay: { params: Parameter[]; weightDecay: 0 };
}

/**
 * Two groups for AdamW / SGD: parameters of rank <= 1 and any whose name ends in `.bias` (or is `bias`)
 * or is listed in `skip` go to the no-decay group; frozen parameters are left out, as in timm.
 * Returns `[decay, noDecay]`, ready to pass as an optimizer's parameter groups.
 */
export function paramGroupsForDecay(
  model: Module,
  weightDecay: number,
  skip: readonly string[] = [],
): [DecayGroups['decay'], DecayGroups['noDecay']] {
  const decay: Parameter[] = [];
  const noDecay: Parameter[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (!p.requiresGrad) continue;
    const isBias = name === 'bias' || name.endsWith('.bias');
    if (p.rank <= 1 || isBias || skip.includes(name)) noDecay.push(p);
    else decay.push(p);
  }
  return [
    { params: decay, weightDecay },
    { params: noDecay, weightDecay: 0 },
  ];
}
