/** Creating NDArrays: constants, ranges, nested arrays and seeded random samples. */
import { allocate, type DType, dtypeOf, type TypedArray } from './dtype';
import { NDArray, type NestedArray } from './ndarray';
import { defaultRng, type Rng } from './rng';
import { assertValidShape, formatShape, type Shape, sizeOf } from './shape';

export function zeros(shape: Shape, dtype: DType = 'float32'): NDArray {
  assertValidShape('zeros', shape);
  return NDArray.empty(shape, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): NDArray {
  return full(shape, 1, dtype);
}

export function full(shape: Shape, value: number, dtype: DType = 'float32'): NDArray {
  assertValidShape('full', shape);
  const data = allocate(dtype, sizeOf(shape));
  data.fill(value);
  return NDArray.of(data, shape);
}

/** A rank-0 array. */
export function scalar(value: number, dtype: DType = 'float32'): NDArray {
  return full([], value, dtype);
}

/** [start, stop) in steps of `step`, like numpy.arange. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): NDArray {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step))
    throw new RangeError(`arange: step must be finite and non-zero, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return NDArray.of(data, [n]);
}

/** `num` evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num: number, dtype: DType = 'float32'): NDArray {
  if (!Number.isInteger(num) || num < 0)
    throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  const data = allocate(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return NDArray.of(data, [num]);
}

/** n x m identity (m defaults to n). */
export function eye(n: number, m = n, dtype: DType = 'float32'): NDArray {
  const out = zeros([n, m], dtype);
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return out;
}

/**
 * From nested arrays (`fromArray([[1, 2], [3, 4]])`) or from a typed array plus its shape
 * (`fromArray(new Float32Array(6), [2, 3])`; the typed array is used as storage, not copied).
 */
export function fromArray(values: NestedArray | TypedArray, shape?: Shape, dtype?: DType): NDArray {
  if (ArrayBuffer.isView(values)) {
    const data = dtype && dtype !== dtypeOf(values) ? toDType(values, dtype) : values;
    return NDArray.of(data, shape ?? [values.length]);
  }
  const inferred: number[] = [];
  let probe: NestedArray = values;
  while (Array.isArray(probe)) {
    inferred.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const flat = allocate(dtype ?? 'float32', sizeOf(inferred));
  let k = 0;
  const walk = (v: NestedArray, dim: number, path: number[]): void => {
    if (dim === inferred.length) {
      if (typeof v !== 'number') throw new TypeError(`fromArray: expected a number at [${path.join(', ')}]`);
      flat[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== inferred[dim]) {
      throw new RangeError(
        `fromArray: ragged nested array at [${path.join(', ')}]: expected length ${inferred[dim]} for shape ${formatShape(inferred)}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1, [...path, i]);
  };
  walk(values, 0, []);
  const out = NDArray.of(flat, inferred);
  return shape ? out.reshape(shape) : out;
}

function toDType(values: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, values.length);
  if (dtype === 'int32') for (let i = 0; i < values.length; i++) out[i] = Math.trunc(values[i]);
  else out.set(values);
  return out;
}

/** Uniform samples in [low, high). */
export function uniform(
  shape: Shape,
  low = 0,
  high = 1,
  rng: Rng = defaultRng(),
  dtype: DType = 'float32',
): NDArray {
  const out = zeros(shape, dtype);
  for (let i = 0; i < out.size; i++) out.data[i] = rng.uniform(low, high);
  return out;
}

/** Normal samples N(mean, std^2). */
export function normal(
  shape: Shape,
  mean = 0,
  std = 1,
  rng: Rng = defaultRng(),
  dtype: DType = 'float32',
): NDArray {
  const out = zeros(shape, dtype);
  for (let i = 0; i < out.size; i++) out.data[i] = rng.normal(mean, std);
  return out;
}

/**
 * Normal samples redrawn until they fall in [a, b] (absolute bounds, as torch.nn.init.trunc_normal_
 * and timm use them: std 0.02 with bounds ±2).
 */
export function truncatedNormal(
  shape: Shape,
  mean = 0,
  std = 1,
  a = -2,
  b = 2,
  rng: Rng = defaultRng(),
  dtype: DType = 'float32',
): NDArray {
  if (!(a < b)) throw new RangeError(`truncatedNormal: bounds must satisfy a < b, got [${a}, ${b}]`);
  if (mean + 8 * std < a || mean - 8 * std > b) {
    throw new RangeError(
      `truncatedNormal: [${a}, ${b}] is more than 8 std from the mean ${mean}; sampling would not end`,
    );
  }
  const out = zeros(shape, dtype);
  for (let i = 0; i < out.size; i++) {
    let v = rng.normal(mean, std);
    while (v < a || v > b) v = rng.normal(mean, std);
    out.data[i] = v;
  }
  return out;
}
