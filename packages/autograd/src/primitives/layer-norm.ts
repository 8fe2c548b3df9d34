/**
 * Layer norm over the last dim as one fused primitive: the forward saves mean and rstd, the backward
 * is one fused kernel. When the backward itself is recorded (higher-order gradients) it is written
 * with primitives instead, so it can be differentiated again; tests check that the two agree.
 */
import { getBackend, type NDArray } from '@gqa-lab/tensor';
import type { GradOps } from '../grad-ops';
import { definePrimitive } from '../primitive';
import { Tensor } from '../tensor';

export interface LayerNormAttrs {
  readonly eps: number;
  readonly hasWeight: boolean;
  readonly hasBias: boolean;
}

/** inputs: [x, weight?, bias?] in that order (absent ones omitted). */
export const layerNormP = definePrimitive<LayerNormAttrs>({
  name: 'layerNorm',
  forward: (inputs, { eps, hasWeight, hasBias }, backend) => {
    const x = inputs[0];
    const weight = hasWeight ? inputs[1] : null;
    const bias = hasBias ? inputs[hasWeight ? 2 : 1] : null;
    const { out, mean, rstd } = backend.layerNorm(x, weight, bias, eps);
    return { output: out, saved: [mean, rstd] };
  },
  backward: (g, { inputs, saved: [mean, rstd], attrs, createGraph, op }) => {
    const x = inputs[0];
    const weight = attrs.hasWeight ? inputs[1] : null;
    if (createGraph) return composedBackward(op, g, x, weight, attrs);
    return fusedBackward(g, x, weight, mean, rstd, attrs);
  },
});

function fusedBackward(
  g: Tensor,
  x: Tensor,
  weight: Tensor | null,
  mean: NDArray,
  rstd: NDArray,
  attrs: LayerNormAttrs,
): (Tensor | null)[] {
  const r = getBackend().layerNormBackward(g.data, x.data, weight?.data ?? null, mean, rstd, attrs.hasBias);
  const grads: (Tensor | null)[] = [new Tensor(r.dx, false)];
  if (attrs.hasWeight) grads.push(r.dweight ? new Tensor(r.dweight, false) : null);
  if (attrs.hasBias) grads.push(r.dbias ? new Tensor(r.dbias, false) : null);
  return grads;
}

/** The same gradients written with primitives: xhat = (x - mean) * rstd, dxhat = g * w,
 *  dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)). */
function composedBackward(
  op: GradOps,
  g: Tensor,
  x: Tensor,
  weight: Tensor | null,
  attrs: LayerNormAttrs,
): (Tensor | null)[] {
  // Recompute mean / rstd from x with primitives so second derivatives see their dependence on x.
  const mu = op.mean(x, -1, true);
  const centered = op.sub(x, mu);
  const r = op.rsqrt(op.add(op.mean(op.square(centered), -1, true), attrs.eps));
  const xhat = op.mul(centered, r);
  const dxhat = weight ? op.mul(g, weight) : g;
  const dx = op.mul(
    r,
    op.sub(op.sub(dxhat, op.mean(dxhat, -1, true)), op.mul(xhat, op.mean(op.mul(dxhat, xhat), -1, true))),
  );
  const lead = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const grads: (Tensor | null)[] = [dx];
  if (attrs.hasWeight) grads.push(op.sum(op.mul(g, xhat), lead));
  if (attrs.hasBias) grads.push(op.sum(g, lead));
  return grads;
}
