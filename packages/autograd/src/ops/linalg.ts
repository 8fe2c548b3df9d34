/** Matrix products with NumPy's matmul rules (1-d operands promoted, batch dims broadcast). */
import { formatShape } from '@gqa-lab/tensor';
import { matmulP } from '../primitives/matmul';
import type { Tensor } from '../tensor';

import { cast, squeeze, unsqueeze } from './shape';

/** a (..., M, K) @ b (..., K, N) -> (..., M, N); a 1-d a is (1, K), a 1-d b is (K, 1), and those dims are dropped. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 0 || b.rank === 0) {
    throw new RangeError(
      `matmul: operands must have at least 1 dim, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const dtype = a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : a.dtype;
  const a2 = cast(a.rank === 1 ? unsqueeze(a, 0) : a, dtype);
  const b2 = cast(b.rank === 1 ? unsqueeze(b, 1) : b, dtype);
  const k1 = a2.shape[a2.rank - 1];
  const k2 = b2.shape[b2.rank - 2];
  if (k1 !== k2) {
    throw new RangeError(
      `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} are incompatible: inner dims ${k1} vs ${k2}`,
    );
  }
  let out = matmulP([a2, b2], undefined);
  if (a.rank === 1) out = squeeze(out, [out.rank - 2]);
  if (b.rank === 1) out = squeeze(out, [out.rank - 1]);
  return out;
}
