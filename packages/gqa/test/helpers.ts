/** Shared test helpers: seeded float64 tensors and an explicit repeated-K/V attention reference. */
import { indexSelect, maskedFill, matmul, mul, softmax, Tensor, tensor, transpose } from '@gqa-lab/autograd';
import { type NDArray, normal, Rng } from '@gqa-lab/tensor';
import type { HeadMap } from '../src/head-map';

/** A float64 leaf tensor of standard normals from `seed`. */
export function randn64(shape: readonly number[], seed: number, requiresGrad = true): Tensor {
  const arr = normal(shape, 0, 1, new Rng(seed), 'float64');
  return tensor(arr.values(), { shape, dtype: 'float64', requiresGrad });
}

/** Reference attention that materialises k[:, map] and v[:, map] (B, Hq, S, D) with indexSelect. */
export function repeatedKvAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  map: HeadMap,
  blocked?: NDArray,
): Tensor {
  const kr = indexSelect(k, 1, map); // (B, Hq, S, D)
  const vr = indexSelect(v, 1, map); // (B, Hq, S, D)
  let s = matmul(mul(q, q.shape[3] ** -0.5), transpose(kr, -2, -1)); // (B, Hq, T, S)
  if (blocked) s = maskedFill(s, blocked, Number.NEGATIVE_INFINITY);
  return matmul(softmax(s, -1), vr); // (B, Hq, T, D)
}

/** Largest |a - b| over two equal-size tensors or arrays. */
export function maxAbsDiff(a: Tensor | NDArray, b: Tensor | NDArray): number {
  const av = (a instanceof Tensor ? a.data : a).values();
  const bv = (b instanceof Tensor ? b.data : b).values();
  if (av.length !== bv.length) throw new Error(`maxAbsDiff: sizes ${av.length} vs ${bv.length}`);
  let m = 0;
  for (let i = 0; i < av.length; i++) m = Math.max(m, Math.abs(av[i] - bv[i]));
  return m;
}
