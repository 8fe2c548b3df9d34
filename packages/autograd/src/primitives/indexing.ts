/**
 * Index primitives. Index arrays (int32) are attributes, not inputs: no gradient flows into integers.
 * gather <-> scatterAdd and indexSelect <-> indexAdd are each other's backward.
 */
import type { NDArray } from '@gqa-lab/tensor';
import { definePrimitive, type Primitive } from '../primitive';
import { Tensor } from '../tensor';

export interface IndexAttrs {
  readonly axis: number;
  readonly index: NDArray;
}

export interface ShapedIndexAttrs extends IndexAttrs {
  /** Shape of the zero-initialised output. */
  readonly shape: readonly number[];
}

export const gatherP: Primitive<IndexAttrs> = definePrimitive<IndexAttrs>({
  name: 'gather',
  forward: ([x], { axis, index }, backend) => backend.gather(x, axis, index),
  backward: (g, { inputs: [x], attrs }) => [scatterAddP([g], { ...attrs, shape: x.shape })],
});

export const scatterAddP: Primitive<ShapedIndexAttrs> = definePrimitive<ShapedIndexAttrs>({
  name: 'scatterAdd',
  forward: ([src], { shape, axis, index }, backend) => backend.scatterAdd(shape, axis, index, src),
  backward: (g, { attrs: { axis, index } }) => [gatherP([g], { axis, index })],
});

export const indexSelectP: Primitive<IndexAttrs> = definePrimitive<IndexAttrs>({
  name: 'indexSelect',
  forward: ([x], { axis, index }, backend) => backend.indexSelect(x, axis, index),
  backward: (g, { inputs: [x], attrs }) => [indexAddP([g], { ...attrs, shape: x.shape })],
});

export const indexAddP: Primitive<ShapedIndexAttrs> = definePrimitive<ShapedIndexAttrs>({
  name: 'indexAdd',
  forward: ([src], { shape, axis, index }, backend) => backend.indexAdd(shape, axis, index, src),
  backward: (g, { attrs: { axis, index } }) => [indexSelectP([g], { axis, index })],
});

/** cond ? a : b with a constant condition; the gradient goes to whichever side was taken. */
export const whereP = definePrimitive<{ readonly cond: NDArray }>({
  name: 'where',
  forward: ([a, b], { cond }, backend) => backend.where(cond, a, b),
  backward: (g, { attrs: { cond }, op }) => {
    const c = new Tensor(cond, false);
    return [op.where(c, g, 0), op.where(c, 0, g)];
  },
});
