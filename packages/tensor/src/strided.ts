/**
 * Walking a strided view in logical (row-major) order. Every kernel that accepts non-contiguous
 * input uses these instead of forcing a copy first.
 */
import type { TypedArray } from './dtype';
import type { View } from './view';

/**
 * Calls `body(outerIndex, base, innerStride, innerCount)` once per row of the innermost dim,
 * where `base` is the storage offset of the row's first element. Rank-0 views make one call.
 */
export function forEachRow(
  view: View,
  body: (row: number, base: number, innerStride: number, innerCount: number) => void,
): void {
  const { shape, strides, offset } = view;
  const rank = shape.length;
  if (rank === 0) {
    body(0, offset, 1, 1);
    return;
  }
  for (const d of shape) if (d === 0) return;
  const inner = shape[rank - 1];
  const innerStride = strides[rank - 1];
  const index = new Array<number>(rank - 1).fill(0);
  let base = offset;
  let rows = 1;
  for (let i = 0; i < rank - 1; i++) rows *= shape[i];
  for (let r = 0; r < rows; r++) {
    body(r, base, innerStride, inner);
    // Odometer increment over the outer dims.
    for (let ax = rank - 2; ax >= 0; ax--) {
      index[ax]++;
      base += strides[ax];
      if (index[ax] < shape[ax]) break;
      base -= strides[ax] * shape[ax];
      index[ax] = 0;
    }
  }
}

/** Row length from which a block copy beats an element loop (a subarray object per row costs ~50 ns). */
const LONG_ROW = 64;

/** Copies a strided view of `src` into `dst` (contiguous, row-major), starting at `dstOffset`. */
export function gatherStrided(src: TypedArray, view: View, dst: TypedArray, dstOffset = 0): void {
  const { shape, strides } = view;
  const rank = shape.length;
  if (rank < 2 || shape[rank - 1] >= LONG_ROW) {
    let o = dstOffset;
    forEachRow(view, (_row, base, stride, count) => {
      if (stride === 1 && count >= LONG_ROW) {
        dst.set(src.subarray(base, base + count), o);
        o += count;
      } else {
        for (let j = 0, p = base; j < count; j++, p += stride) dst[o++] = src[p];
      }
    });
    return;
  }
  // Short rows (e.g. a head's 8 values after permute): walk the two innermost dims as one plain
  // double loop per step of the outer dims, so the per-row bookkeeping is paid once per plane.
  const rows = shape[rank - 2];
  const cols = shape[rank - 1];
  const rs = strides[rank - 2];
  const cs = strides[rank - 1];
  // One call per (.., rows, cols) plane: the outer dims with a size-1 innermost dim.
  const planes: View = {
    shape: [...shape.slice(0, -2), 1],
    strides: [...strides.slice(0, -2), 0],
    offset: view.offset,
  };
  let o = dstOffset;
  forEachRow(planes, (_row, base) => {
    let d = o; // a local: `o` lives in the closure's context, a memory slot
    for (let i = 0, r = base; i < rows; i++, r += rs) {
      for (let j = 0, p = r; j < cols; j++, p += cs) dst[d++] = src[p];
    }
    o = d;
  });
}

/** Storage offsets of every element of `view` in logical order (for gather-style kernels). */
export function offsetsOf(view: View): Int32Array {
  let size = 1;
  for (const d of view.shape) size *= d;
  const out = new Int32Array(size);
  let o = 0;
  forEachRow(view, (_row, base, stride, count) => {
    for (let j = 0, p = base; j < count; j++, p += stride) out[o++] = p;
  });
  return out;
}
