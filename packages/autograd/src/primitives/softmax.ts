/**
 * Softmax and logsumexp as fused, numerically stable primitives (one kernel each way instead of
 * five element-wise passes). The softmax backward is itself a primitive with its own backward, so
 * second derivatives still work.
 */
import { definePrimitive } from '../primitive';

export const softmaxP = definePrimitive<{ readonly axis: number }>({
  name: 'softmax',
  forward: ([x], { axis }, backend) => backend.softmax(x, axis),
  backward: (g, { output: y, attrs }) => [softmaxBackwardP([y, g], attrs)],
});

/** dx = y * (g - sum(g * y)); inputs [y, g]. */
export const softmaxBackwardP = definePrimitive<{ readonly axis: number }>({
  name: 'softmaxBackward',
  forward: ([y, g], { axis }, backend) => backend.softmaxBackward(y, g, axis),
  // dx_i = y_i (g_i - s), s = sum_j g_j y_j. For upstream G:
  //   d/dg = y (G - sum(G y))          (the same map: softmax's Jacobian is symmetric)
  //   d/dy = g (G - sum(G y)) - G s
  backward: (G, { inputs: [y, g], attrs: { axis }, op }) => {
    const gy = op.sum(op.mul(G, y), axis, true);
    const s = op.sum(op.mul(g, y), axis, true);
    return [op.sub(op.mul(g, op.sub(G, gy)), op.mul(G, s)), op.mul(y, op.sub(G, gy))];
  },
});

export const logsumexpP = definePrimitive<{ readonly axis: number; readonly keepdims: boolean }>({
  name: 'logsumexp',
  forward: ([x], { axis, keepdims }, backend) => backend.logsumexp(x, axis, keepdims),
  // d/dx log sum exp x = softmax(x) = exp(x - lse)
  backward: (g, { inputs: [x], output: y, attrs: { axis, keepdims }, op }) => {
    const yk = keepdims ? y : op.unsqueeze(y, axis);
    const gk = keepdims ? g : op.unsqueeze(g, axis);
    return [op.mul(gk, op.exp(op.sub(x, yk)))];
  },
});
