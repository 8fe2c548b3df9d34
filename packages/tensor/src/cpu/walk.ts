/**
 * Joint strided walks for CPU kernels: one or more views of the same logical shape are visited in
 * row-major order, innermost dim as a "row" with a constant step. Adjacent dims that are laid out
 * contiguously for every operand are merged first, so a dense or offset-contiguous input becomes one
 * long row and the inner loops stay tight.
 */

/** Strides and offset of one operand (an NDArray or a hand-built view of the output). */
export interface StridedOperand {
  readonly strides: readonly number[];
  readonly offset: number;
}

export interface Walk {
  /** Number of rows. */
  readonly rows: number;
  /** Elements per row. */
  readonly inner: number;
  /** Per operand: storage step between neighbours in a row. */
  readonly steps: number[];
  /** Per operand: storage offset of each row's first element. */
  readonly starts: Int32Array[];
}

/**
 * Plans a walk over `shape` for `operands`. With `fixedInner` the last dim is kept as the row
 * (never merged or dropped): kernels that work per row along an axis (softmax, layerNorm) need that.
 */
export function planWalk(
  shape: readonly number[],
  operands: readonly StridedOperand[],
  fixedInner = false,
): Walk {
  const count = operands.length;
  const outerRank = fixedInner ? shape.length - 1 : shape.length;
  // An empty outer dim means no rows; an empty fixed inner dim still has its (empty) rows.
  for (let d = 0; d < outerRank; d++) {
    if (shape[d] === 0) {
      return {
        rows: 0,
        inner: 0,
        steps: operands.map(() => 0),
        starts: operands.map(() => new Int32Array(0)),
      };
    }
  }
  const dims: number[] = [];
  const strides: number[][] = operands.map(() => []);
  for (let d = 0; d < outerRank; d++) {
    const n = shape[d];
    if (n === 1) continue;
    const last = dims.length - 1;
    let merge = last >= 0;
    for (let k = 0; k < count && merge; k++) merge = strides[k][last] === operands[k].strides[d] * n;
    if (merge) {
      dims[last] *= n;
      for (let k = 0; k < count; k++) strides[k][last] = operands[k].strides[d];
    } else {
      dims.push(n);
      for (let k = 0; k < count; k++) strides[k].push(operands[k].strides[d]);
    }
  }
  if (fixedInner) {
    const d = shape.length - 1;
    dims.push(shape[d]);
    for (let k = 0; k < count; k++) strides[k].push(operands[k].strides[d]);
  }
  if (dims.length === 0) {
    return {
      rows: 1,
      inner: 1,
      steps: operands.map(() => 0),
      starts: operands.map((o) => Int32Array.of(o.offset)),
    };
  }
  const rank = dims.length;
  const inner = dims[rank - 1];
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= dims[d];
  const starts = operands.map((o, k) => rowStarts(dims, strides[k], o.offset, rows));
  return { rows, inner, steps: strides.map((s) => s[rank - 1]), starts };
}

/** Storage offsets of each row start: an odometer over the outer dims. */
function rowStarts(
  dims: readonly number[],
  strides: readonly number[],
  offset: number,
  rows: number,
): Int32Array {
  const out = new Int32Array(rows);
  const outer = dims.length - 1;
  const index = new Array<number>(outer).fill(0);
  let base = offset;
  for (let r = 0; r < rows; r++) {
    out[r] = base;
    for (let ax = outer - 1; ax >= 0; ax--) {
      index[ax]++;
      base += strides[ax];
      if (index[ax] < dims[ax]) break;
      base -= strides[ax] * dims[ax];
      index[ax] = 0;
    }
  }
  return out;
}

/** Row-major strides of `shape` with the listed axes set to 0 (an accumulator view for reductions). */
export function stridesWithZeros(shape: readonly number[], zeroAxes: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (zeroAxes.includes(i)) out[i] = 0;
    else {
      out[i] = s;
      s *= shape[i];
    }
  }
  return out;
}
