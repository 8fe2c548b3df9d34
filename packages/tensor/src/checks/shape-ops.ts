/** Argument checks of concat and pad, shared by every backend. */
import type { Padding } from '../backend';
import type { NDArray } from '../ndarray';
import { formatShape, normalizeAxis } from '../shape';
import { assertSameDType } from './elementwise';

/** Validates a concatenation; returns the normalised axis and the output shape. */
export function checkConcat(xs: readonly NDArray[], axis: number): { axis: number; shape: number[] } {
  if (xs.length === 0) throw new RangeError('concat: needs at least one array');
  const first = xs[0];
  const ax = normalizeAxis('concat', axis, first.rank);
  const shape = [...first.shape];
  shape[ax] = 0;
  for (const x of xs) {
    let ok = x.rank === first.rank;
    for (let d = 0; ok && d < first.rank; d++) if (d !== ax && x.shape[d] !== first.shape[d]) ok = false;
    if (!ok) {
      throw new RangeError(
        `concat: shapes ${xs.map((s) => formatShape(s.shape)).join(', ')} differ outside axis ${ax}`,
      );
    }
    assertSameDType('concat', first, x);
    shape[ax] += x.shape[ax];
  }
  return { axis: ax, shape };
}

/** Validates one [before, after] pair of non-negative integers per dim; returns the padded shape. */
export function checkPad(x: NDArray, pads: Padding): number[] {
  if (pads.length !== x.rank) {
    throw new RangeError(
      `pad: ${pads.length} [before, after] pairs for a tensor of shape ${formatShape(x.shape)}`,
    );
  }
  return x.shape.map((d, i) => {
    const [lo, hi] = pads[i];
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < 0) {
      throw new RangeError(
        `pad: padding [${lo}, ${hi}] at dim ${i} of shape ${formatShape(x.shape)} must be non-negative integers`,
      );
    }
    return d + lo + hi;
  });
}
