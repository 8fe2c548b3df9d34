/** Turning numbers and arrays into tensors, and lining up dtypes and shapes for binary ops. */
import { broadcastAll, type DType, full, NDArray, promote, shapesEqual } from '@gqa-lab/tensor';
import type { TensorLike } from '../grad-ops';
import { castP, expandP } from '../primitives/movement';
import { Tensor } from '../tensor';

export type { TensorLike } from '../grad-ops';

/** A number becomes a rank-0 constant of `dtype`; tensors pass through. */
export function lift(x: TensorLike | NDArray, dtype: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (x instanceof NDArray) return new Tensor(x, false);
  return new Tensor(full([], x, dtype), false);
}

/** Casts a tensor (recorded, differentiable) unless it already has `dtype`. */
export function castTo(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : castP([x], { dtype });
}

/** Broadcasts through `expand` views (whose backward is sumTo) unless the shape already matches. */
export function expandTo(x: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(x.shape, shape) ? x : expandP([x], { shape });
}

/** Common dtype: numbers adopt the tensors' dtype; float64 beats float32 beats int32. */
export function commonDType(xs: readonly (TensorLike | NDArray)[]): DType {
  let dtype: DType | null = null;
  for (const x of xs) {
    if (typeof x === 'number') continue;
    dtype = dtype === null ? x.dtype : promote(dtype, x.dtype);
  }
  return dtype ?? 'float32';
}

/** Lifts, promotes and broadcasts operands so an equal-shape primitive can take them. */
export function alignOperands(op: string, xs: readonly TensorLike[]): Tensor[] {
  const dtype = commonDType(xs);
  const ts = xs.map((x) => castTo(lift(x, dtype), dtype));
  const shape = broadcastAll(
    op,
    ts.map((t) => t.shape),
  );
  return ts.map((t) => expandTo(t, shape));
}
