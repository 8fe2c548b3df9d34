/** Argument checks of the reductions, shared by every backend. */
import type { NDArray } from '../ndarray';
import { formatShape } from '../shape';

/** Throws unless `axes` are sorted, unique and inside x's rank. */
export function checkAxes(op: string, x: NDArray, axes: readonly number[]): void {
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i];
    if (!Number.isInteger(a) || a < 0 || a >= x.rank || (i > 0 && a <= axes[i - 1])) {
      throw new RangeError(
        `${op}: axes [${axes.join(', ')}] must be sorted, unique and in [0, ${x.rank}) for shape ${formatShape(x.shape)}`,
      );
    }
  }
}

/** Throws if one of `axes` is empty: max / min / argmax / argmin have no value there. */
export function checkNotEmpty(op: string, x: NDArray, axes: readonly number[]): void {
  for (const a of axes) {
    if (x.shape[a] === 0) {
      throw new RangeError(`${op}: cannot reduce over the empty dim ${a} of shape ${formatShape(x.shape)}`);
    }
  }
}
