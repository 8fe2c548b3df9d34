/** Index ops: gather / scatterAdd (torch semantics) and indexSelect / indexAdd along one axis. */
import { formatShape, NDArray, normalizeAxis } from '@gqa-lab/tensor';
import type { IndexLike } from '../grad-ops';
import { gatherP, indexAddP, indexSelectP, scatterAddP } from '../primitives/indexing';
import { Tensor } from '../tensor';

export type { IndexLike } from '../grad-ops';

/** An int32 NDArray from any index-like value. */
export function toIndex(op: string, index: IndexLike): NDArray {
  const arr =
    index instanceof Tensor
      ? index.data
      : index instanceof NDArray
        ? index
        : NDArray.of(Int32Array.from(index), [index.length]);
  if (arr.dtype !== 'int32') {
    const v = arr.values();
    for (let i = 0; i < v.length; i++) {
      if (!Number.isInteger(v[i]))
        throw new RangeError(`${op}: index ${v[i]} at position ${i} is not an integer`);
    }
    return arr.astype('int32');
  }
  return arr;
}

/** out[i][j] = x[index[i][j]][j] for axis 0 (torch.gather); index has x's rank. */
export function gather(x: Tensor, axis: number, index: IndexLike): Tensor {
  const idx = toIndex('gather', index);
  if (idx.rank !== x.rank) {
    throw new RangeError(
      `gather: index ${formatShape(idx.shape)} must have the rank of x ${formatShape(x.shape)}`,
    );
  }
  return gatherP([x], { axis: normalizeAxis('gather', axis, x.rank), index: idx });
}

/** zeros(shape) with src added at the positions index names along axis (torch.scatter_add). */
export function scatterAdd(shape: readonly number[], axis: number, index: IndexLike, src: Tensor): Tensor {
  return scatterAddP([src], {
    shape,
    axis: normalizeAxis('scatterAdd', axis, shape.length),
    index: toIndex('scatterAdd', index),
  });
}

/** The slices `index` (1-d) along axis (torch.index_select; also embedding lookup and head maps). */
export function indexSelect(x: Tensor, axis: number, index: IndexLike): Tensor {
  const idx = toIndex('indexSelect', index);
  if (idx.rank !== 1) throw new RangeError(`indexSelect: index must be 1-d, got ${formatShape(idx.shape)}`);
  return indexSelectP([x], { axis: normalizeAxis('indexSelect', axis, x.rank), index: idx });
}

/** zeros(shape) with slice i of src added at position index[i] along axis (torch.index_add). */
export function indexAdd(shape: readonly number[], axis: number, index: IndexLike, src: Tensor): Tensor {
  const idx = toIndex('indexAdd', index);
  return indexAddP([src], { shape, axis: normalizeAxis('indexAdd', axis, shape.length), index: idx });
}
