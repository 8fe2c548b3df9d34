/** Batched matrix product: a (..., M, K) @ b (..., K, N) -> (..., M, N), batch dims broadcast. */
import { definePrimitive } from '../primitive';

export const matmulP = definePrimitive({
  name: 'matmul',
  forward: ([a, b], _a, backend) => backend.matmul(a, b),
  // dA = dC @ B^T, dB = A^T @ dC, each summed back over broadcast batch dims.
  backward: (g, { inputs: [a, b], op }) => [
    op.sumTo(op.matmul(g, op.transpose(b, -1, -2)), a.shape),
    op.sumTo(op.matmul(op.transpose(a, -1, -2), g), b.shape),
  ],
});
