/** Reduction primitives. Axes arrive normalised (sorted, unique) from ops.ts. */
import { reducedShape } from '@gqa-lab/tensor';
import type { GradOps } from '../grad-ops';
import { definePrimitive } from '../primitive';
import type { Tensor } from '../tensor';

export interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepdims: boolean;
}

/** g with the reduced axes restored as size 1, then broadcast back over x. */
function spread(op: GradOps, g: Tensor, x: Tensor, { axes, keepdims }: ReduceAttrs): Tensor {
  const kept = keepdims ? g : op.reshape(g, reducedShape(x.shape, axes, true));
  return op.expand(kept, x.shape);
}

export const sumP = definePrimitive<ReduceAttrs>({
  name: 'sum',
  forward: ([x], { axes, keepdims }, backend) => backend.reduce.sum(x, axes, keepdims),
  backward: (g, { inputs: [x], attrs, op }) => [spread(op, g, x, attrs)],
});

/** max / min send the gradient to the arg-extremes, split evenly among ties. */
function extremeGrad(op: GradOps, g: Tensor, x: Tensor, y: Tensor, attrs: ReduceAttrs): Tensor {
  const hit = op.eq(x, spread(op, y, x, attrs)); // 1 at each arg-extreme, x's shape
  const count = op.sum(hit, attrs.axes, true); // ties per reduced slot
  const share = op.div(op.reshape(g, reducedShape(x.shape, attrs.axes, true)), count);
  return op.mul(hit, op.expand(share, x.shape));
}

export const maxP = definePrimitive<ReduceAttrs>({
  name: 'max',
  forward: ([x], { axes, keepdims }, backend) => backend.reduce.max(x, axes, keepdims),
  backward: (g, { inputs: [x], output: y, attrs, op }) => [extremeGrad(op, g, x, y, attrs)],
});

export const minP = definePrimitive<ReduceAttrs>({
  name: 'min',
  forward: ([x], { axes, keepdims }, backend) => backend.reduce.min(x, axes, keepdims),
  backward: (g, { inputs: [x], output: y, attrs, op }) => [extremeGrad(op, g, x, y, attrs)],
});
