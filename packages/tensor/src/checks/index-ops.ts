/** Argument checks of gather / scatterAdd / indexSelect / indexAdd, shared by every backend. */
import type { NDArray } from '../ndarray';
import { formatShape, normalizeAxis, type Shape } from '../shape';

function checkIndexDType(op: string, index: NDArray): void {
  if (index.dtype !== 'int32')
    throw new TypeError(`${op}: index must be int32, got ${index.dtype} ${formatShape(index.shape)}`);
}

/** The error for an index value outside its axis (kernels check every value as they read it). */
export function outOfRange(op: string, value: number, axis: number, size: number): RangeError {
  return new RangeError(`${op}: index ${value} is out of range for axis ${axis} of size ${size}`);
}

/** Throws unless index has `rank` dims and index.shape[d] <= limit[d] for every d but `axis` (torch's rule). */
function checkIndexShape(op: string, index: NDArray, limit: Shape, axis: number, what: string): void {
  let ok = index.rank === limit.length;
  for (let d = 0; ok && d < limit.length; d++) if (d !== axis && index.shape[d] > limit[d]) ok = false;
  if (!ok) {
    throw new RangeError(
      `${op}: index shape ${formatShape(index.shape)} does not fit ${what} shape ${formatShape(limit)} outside axis ${axis}`,
    );
  }
}

/** Validates gather's arguments; returns the normalised axis. */
export function checkGather(x: NDArray, axis: number, index: NDArray): number {
  checkIndexDType('gather', index);
  const ax = normalizeAxis('gather', axis, x.rank);
  checkIndexShape('gather', index, x.shape, ax, 'x');
  return ax;
}

/** Validates scatterAdd's arguments; returns the normalised axis. */
export function checkScatterAdd(shape: Shape, axis: number, index: NDArray, src: NDArray): number {
  checkIndexDType('scatterAdd', index);
  const ax = normalizeAxis('scatterAdd', axis, shape.length);
  if (formatShape(index.shape) !== formatShape(src.shape)) {
    throw new RangeError(
      `scatterAdd: index shape ${formatShape(index.shape)} must equal src shape ${formatShape(src.shape)}`,
    );
  }
  checkIndexShape('scatterAdd', index, shape, ax, 'output');
  return ax;
}

/** Throws unless the index of indexSelect / indexAdd is a 1-d int32 array. */
export function checkIndexVector(op: string, index: NDArray): void {
  checkIndexDType(op, index);
  if (index.rank !== 1)
    throw new RangeError(`${op}: index must be 1-d, got shape ${formatShape(index.shape)}`);
}

/** Validates indexAdd's src shape (shape with dim `axis` set to the index length); returns the normalised axis. */
export function checkIndexAdd(shape: Shape, axis: number, index: NDArray, src: NDArray): number {
  const ax = normalizeAxis('indexAdd', axis, shape.length);
  const expected = [...shape];
  expected[ax] = index.shape[0] ?? 0;
  if (formatShape(src.shape) !== formatShape(expected)) {
    throw new RangeError(
      `indexAdd: src shape ${formatShape(src.shape)} must be ${formatShape(expected)} (shape ${formatShape(shape)} with dim ${ax} set to the index length)`,
    );
  }
  return ax;
}
