/** Matmul operands for the thread and FMA properties: (batch, M, K) @ (K, N) in any of four layouts. */
import fc from 'fast-check';
import { type Layout, layoutArray } from '../../../testing/arrays';
import { type NDArray, Rng, uniform } from '../src/index';

/** Operands (batch, M, K) @ (K, N) in the given layouts, values in [-1, 1) from a seeded generator. */
export function matmulOperands(
  batch: number,
  m: number,
  k: number,
  n: number,
  la: Layout,
  lb: Layout,
  seed: number,
): [NDArray, NDArray] {
  const rng = new Rng(seed);
  const va = Array.from(uniform([batch * m * k], -1, 1, rng).values());
  const vb = Array.from(uniform([k * n], -1, 1, rng).values());
  return [layoutArray(va, [batch, m, k], la, 'float32', 1), layoutArray(vb, [k, n], lb, 'float32', 2)];
}

/** The layouts an operand is drawn in. */
export const matmulLayout = fc.constantFrom<Layout>('dense', 'offset', 'permuted', 'strided');
