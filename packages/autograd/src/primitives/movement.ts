/**
 * Movement primitives. reshape / permute / expand / slice are views (metadata only, no copy);
 * their backwards are the inverse movement, and expand's backward is sumTo (tinygrad's pattern:
 * broadcasting is a primitive, so no other op keeps reduction-axes bookkeeping).
 */
import { type DType, formatShape, type Padding, resolveRange, type SliceRange } from '@gqa-lab/tensor';
import { definePrimitive } from '../primitive';

export const reshapeP = definePrimitive<{ readonly shape: readonly number[] }>({
  name: 'reshape',
  forward: ([x], { shape }) => x.reshape(shape),
  backward: (g, { inputs: [x], op }) => [op.reshape(g, x.shape)],
});

export const permuteP = definePrimitive<{ readonly axes: readonly number[] }>({
  name: 'permute',
  forward: ([x], { axes }) => x.permute(axes),
  backward: (g, { attrs: { axes }, op }) => {
    const inverse = new Array<number>(axes.length);
    axes.forEach((a, i) => {
      inverse[a] = i;
    });
    return [op.permute(g, inverse)];
  },
});

export const expandP = definePrimitive<{ readonly shape: readonly number[] }>({
  name: 'expand',
  forward: ([x], { shape }) => x.expand(shape),
  backward: (g, { inputs: [x], op }) => [op.sumTo(g, x.shape)],
});

/** Slices with positive unit steps only (ops.ts routes other steps through indexSelect). */
export const sliceP = definePrimitive<{ readonly ranges: readonly SliceRange[] }>({
  name: 'slice',
  forward: ([x], { ranges }) => x.slice(ranges),
  backward: (g, { inputs: [x], attrs: { ranges }, op }) => {
    const pads: [number, number][] = x.shape.map((n, i) => {
      if (i >= ranges.length) return [0, 0];
      const { start, count, step } = resolveRange('slice', ranges[i], n);
      if (step !== 1) throw new Error(`slice: backward supports step 1 only, got ${step} at dim ${i}`);
      return count === 0 ? [0, n] : [start, n - start - count];
    });
    return [op.pad(g, pads)];
  },
});

export const padP = definePrimitive<{ readonly pads: Padding; readonly value: number }>({
  name: 'pad',
  forward: ([x], { pads, value }, backend) => backend.pad(x, pads, value),
  backward: (g, { inputs: [x], attrs: { pads }, op }) => [
    op.slice(
      g,
      x.shape.map((n, i) => ({ start: pads[i][0], stop: pads[i][0] + n })),
    ),
  ],
});

export const concatP = definePrimitive<{ readonly axis: number }>({
  name: 'concat',
  forward: (xs, { axis }, backend) => backend.concat(xs, axis),
  backward: (g, { inputs, attrs: { axis }, op }) => {
    let start = 0;
    return inputs.map((x) => {
      const ranges: SliceRange[] = x.shape.map(() => ({}));
      ranges[axis] = { start, stop: start + x.shape[axis] };
      start += x.shape[axis];
      return op.slice(g, ranges);
    });
  },
});

export const castP = definePrimitive<{ readonly dtype: DType }>({
  name: 'cast',
  forward: ([x], { dtype }, backend) => backend.cast(x, dtype),
  backward: (g, { inputs: [x], op }) => {
    if (x.dtype === 'int32')
      throw new Error(`cast: no gradient flows into int32 input ${formatShape(x.shape)}`);
    return [op.cast(g, x.dtype)];
  },
});

/** A dense copy (used to materialise views before kernels that want contiguous data). */
export const contiguousP = definePrimitive({
  name: 'contiguous',
  forward: ([x], _a, backend) => (x.isDense ? x : backend.copy(x)),
  backward: (g) => [g],
});
