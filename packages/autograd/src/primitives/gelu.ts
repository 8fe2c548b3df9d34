/**
 * GELU as one fused primitive (one kernel forward, one backward) instead of five composite ops.
 * Its backward is itself a primitive (geluGrad) whose backward is written with public ops, so
 * second derivatives still work (createGraph).
 */
import type { GeluApproximate } from '@gqa-lab/tensor';
import type { GradOps } from '../grad-ops';
import { definePrimitive, type Primitive } from '../primitive';
import type { Tensor } from '../tensor';

export interface GeluAttrs {
  readonly approximate: GeluApproximate;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const C = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/** gelu''(x) with public ops, for second derivatives. */
function geluSecond(op: GradOps, x: Tensor, approximate: GeluApproximate): Tensor {
  const x2 = op.square(x);
  if (approximate === 'none') {
    // phi(x) (2 - x^2), phi the standard normal density.
    return op.mul(op.mul(op.exp(op.mul(x2, -0.5)), INV_SQRT_2PI), op.sub(2, x2));
  }
  // (1 - t^2) (u' - x t u'^2 + 0.5 x u'') with u = C (x + A x^3), t = tanh(u).
  const t = op.tanh(op.mul(op.add(x, op.mul(op.mul(x2, x), A)), C));
  const du = op.mul(op.add(op.mul(x2, 3 * A), 1), C);
  const inner = op.add(op.sub(du, op.mul(op.mul(x, t), op.square(du))), op.mul(x2, 3 * A * C));
  return op.mul(op.sub(1, op.square(t)), inner);
}

/** inputs [x, dy] -> dy * gelu'(x). */
export const geluGradP: Primitive<GeluAttrs> = definePrimitive<GeluAttrs>({
  name: 'geluGrad',
  forward: ([x, dy], { approximate }, backend) => backend.geluBackward(x, dy, approximate),
  backward: (g, { inputs: [x, dy], attrs, op }) => [
    op.mul(g, op.mul(dy, geluSecond(op, x, attrs.approximate))),
    geluGradP([x, g], attrs),
  ],
});

/** inputs [x] -> gelu(x). */
export const geluP = definePrimitive<GeluAttrs>({
  name: 'gelu',
  forward: ([x], { approximate }, backend) => backend.gelu(x, approximate),
  backward: (g, { inputs: [x], attrs }) => [geluGradP([x, g], attrs)],
});
