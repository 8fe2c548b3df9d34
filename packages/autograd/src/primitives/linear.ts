/**
 * Linear y = x W^T + b as one primitive: the forward is one backend.linear (a matmul against W's
 * transposed view, no copy, with the bias added as the rows are produced), and the backward computes dW = dY^T X and db = sum(dY) over all leading dims
 * at once (K = every row of the batch) instead of a batched product and a reduction of its results.
 */
import type { GradOps } from '../grad-ops';
import { definePrimitive } from '../primitive';
import type { Tensor } from '../tensor';

export interface LinearAttrs {
  readonly hasBias: boolean;
}

/** x (..., in) with its leading dims folded: (rows, in). */
function rowsOf(op: GradOps, t: Tensor): Tensor {
  let rows = 1;
  for (let i = 0; i < t.rank - 1; i++) rows *= t.shape[i];
  return op.reshape(t, [rows, t.shape[t.rank - 1]]);
}

/** inputs [x (..., in), weight (out, in), bias (out)?] -> (..., out). */
export const linearP = definePrimitive<LinearAttrs>({
  name: 'linear',
  forward: ([x, w, b], { hasBias }, backend) => backend.linear(x, w, hasBias ? b : null),
  // dX = dY W; dW = dY^T X over all rows; db = sum of dY over all rows.
  backward: (g, { inputs: [x, w], attrs, op }) => {
    const g2 = rowsOf(op, g); // (rows, out)
    const grads: (Tensor | null)[] = [
      op.matmul(g, w), // (..., out) @ (out, in)
      op.matmul(op.transpose(g2, 0, 1), rowsOf(op, x)), // (out, rows) @ (rows, in)
    ];
    if (attrs.hasBias) grads.push(op.sum(g2, 0));
    return grads;
  },
});
