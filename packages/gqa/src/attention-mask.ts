/** Attention masks: "may attend" masks turned into the "blocked" form maskedFill wants, sliced per head run. */
import { Tensor } from '@gqa-lab/autograd';
import { allocate, formatShape, NDArray } from '@gqa-lab/tensor';

/**
 * A rank-4 (B|1, Hq|1, T|1, S|1) array that is 1 where attention is blocked (the mask is 0) and 0 where
 * it is allowed. `mask` broadcasts against the scores (B, Hq, T, S); nonzero means "may attend".
 */
export function blockedPositions(mask: NDArray | Tensor, scoresShape: readonly number[]): NDArray {
  const m = mask instanceof Tensor ? mask.data : mask;
  if (m.rank > 4) {
    throw new RangeError(
      `scaledDotProductAttention: mask ${formatShape(m.shape)} has more than 4 dims (scores are ${formatShape(scoresShape)})`,
    );
  }
  const shape = [...Array<number>(4 - m.rank).fill(1), ...m.shape];
  shape.forEach((d, i) => {
    if (d !== 1 && d !== scoresShape[i]) {
      throw new RangeError(
        `scaledDotProductAttention: mask ${formatShape(m.shape)} does not broadcast to scores ${formatShape(scoresShape)} (dim ${i})`,
      );
    }
  });
  const src = m.values();
  const out = allocate('float32', src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i] === 0 ? 1 : 0;
  return NDArray.of(out, shape);
}

/** The blocked mask for query heads [start, start + count) (a no-op when the mask has one head). */
export function blockedForHeads(blocked: NDArray, start: number, count: number): NDArray {
  if (blocked.shape[1] === 1) return blocked;
  return blocked.slice([{}, { start, stop: start + count }]);
}
