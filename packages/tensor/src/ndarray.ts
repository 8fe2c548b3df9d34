/**
 * NDArray: typed-array storage plus a view (shape, strides, offset). No gradients (think NumPy).
 * View methods share storage; `contiguous()` copies only when the layout requires it.
 * Storage may also start on a device (a GPU backend's output): `data` then downloads it on first host access.
 */
import { allocate, type DType, dtypeOf, type TypedArray } from './dtype';
import { assertValidShape, contiguousStrides, formatShape, normalizeAxis, type Shape, sizeOf } from './shape';
import { gatherStrided } from './strided';
import {
  expandView,
  isContiguous,
  permuteView,
  reshapeView,
  type SliceRange,
  sliceView,
  squeezeView,
  unsqueezeView,
  type View,
} from './view';

/** Nested JavaScript arrays of numbers, as produced by `toArray()`. */
export type NestedArray = number | NestedArray[];

/**
 * Values that live on a device until the host needs them (a GPU backend's kernel output). All views of one
 * array share one source, so one download serves them all.
 */
export interface DeviceSource {
  readonly dtype: DType;
  /** Storage length in elements. */
  readonly length: number;
  /** The values on the host; the first call reads them back and releases the device copy, later calls return the same array. */
  download(): TypedArray;
}

/** Storage as given to the constructor: host values, or a device source downloaded on first access. */
export type Storage = TypedArray | DeviceSource;

export class NDArray implements View {
  /**
   * The storage on the host. For a device-resident array this is an accessor that downloads on first read
   * and then becomes a plain property; host arrays keep a plain field, so `x.data[i]` in a hot loop costs
   * what it always did (a getter here made such loops 3x slower: V8 stopped hoisting the load).
   */
  declare readonly data: TypedArray;
  /** The device source until `data` is first read through this array, else null. */
  private _source: DeviceSource | null;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  readonly size: number;

  constructor(data: Storage, view: View) {
    assertValidShape('NDArray', view.shape);
    if ('download' in data) {
      this._source = data;
      Object.defineProperty(this, 'data', {
        configurable: true,
        enumerable: true,
        get: () => this.download(data),
      });
    } else {
      this.data = data;
      this._source = null;
    }
    this.shape = view.shape;
    this.strides = view.strides;
    this.offset = view.offset;
    this.dtype = 'download' in data ? data.dtype : dtypeOf(data);
    this.size = sizeOf(view.shape);
  }

  private download(source: DeviceSource): TypedArray {
    const values = source.download();
    Object.defineProperty(this, 'data', {
      value: values,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    this._source = null;
    return values;
  }

  /** The device source this array was made from until `data` is read through it (another view may have read it), else null. */
  get deviceSource(): DeviceSource | null {
    return this._source;
  }

  /** What views share: the device source while there is one (no download), else the host values. */
  private get storage(): Storage {
    return this._source ?? this.data;
  }

  /** Wraps contiguous storage of exactly `sizeOf(shape)` elements. */
  static of(data: Storage, shape: Shape): NDArray {
    if (data.length !== sizeOf(shape)) {
      throw new RangeError(
        `NDArray.of: ${data.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)})`,
      );
    }
    return new NDArray(data, { shape: [...shape], strides: contiguousStrides(shape), offset: 0 });
  }

  /** Fresh zero-filled contiguous array. */
  static empty(shape: Shape, dtype: DType = 'float32'): NDArray {
    return NDArray.of(allocate(dtype, sizeOf(shape)), shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isContiguous(): boolean {
    return isContiguous(this);
  }

  /** Contiguous and starting at storage index 0 with no extra storage: `data` is exactly the elements. */
  get isDense(): boolean {
    return this.offset === 0 && this.storage.length === this.size && isContiguous(this);
  }

  private withView(view: View): NDArray {
    return new NDArray(this.storage, view);
  }

  reshape(shape: readonly number[]): NDArray {
    const v = reshapeView(this, shape);
    return v ? this.withView(v) : this.contiguous(true).reshape(shape);
  }

  permute(axes: readonly number[]): NDArray {
    return this.withView(permuteView(this, axes));
  }

  /** Swaps two axes (default: the last two). */
  transpose(a = -2, b = -1): NDArray {
    const rank = this.rank;
    const axes = Array.from({ length: rank }, (_, i) => i);
    const x = normalizeAxis('transpose', a, rank);
    const y = normalizeAxis('transpose', b, rank);
    axes[x] = y;
    axes[y] = x;
    return this.permute(axes);
  }

  expand(shape: readonly number[]): NDArray {
    return this.withView(expandView(this, shape));
  }

  slice(ranges: readonly SliceRange[]): NDArray {
    return this.withView(sliceView(this, ranges));
  }

  squeeze(axes?: readonly number[]): NDArray {
    return this.withView(squeezeView(this, axes));
  }

  unsqueeze(axis: number): NDArray {
    return this.withView(unsqueezeView(this, axis));
  }

  /** This array if already contiguous (or dense when `dense`), otherwise a row-major copy. */
  contiguous(dense = false): NDArray {
    if (dense ? this.isDense : this.isContiguous) return this;
    const out = allocate(this.dtype, this.size, 'empty'); // the gather writes every element
    gatherStrided(this.data, this, out);
    return NDArray.of(out, this.shape);
  }

  /** The elements in logical order as a dense typed array (shares storage when already dense). */
  values(): TypedArray {
    return this.contiguous(true).data;
  }

  /** A dense copy with another dtype (int32 conversion truncates toward zero). */
  astype(dtype: DType): NDArray {
    const src = this.values();
    const out = allocate(dtype, this.size, 'empty');
    if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
    else out.set(src);
    return NDArray.of(out, this.shape);
  }

  /** A dense copy that does not share storage. */
  clone(): NDArray {
    const out = allocate(this.dtype, this.size, 'empty');
    gatherStrided(this.data, this, out);
    return NDArray.of(out, this.shape);
  }

  /** The element at a multi-index (negative indices count from the end). */
  get(...index: number[]): number {
    if (index.length !== this.rank) {
      throw new RangeError(`get: ${index.length} indices for a tensor of shape ${formatShape(this.shape)}`);
    }
    let p = this.offset;
    for (let i = 0; i < index.length; i++) {
      const n = this.shape[i];
      const k = index[i] < 0 ? index[i] + n : index[i];
      if (!Number.isInteger(k) || k < 0 || k >= n) {
        throw new RangeError(`get: index ${index[i]} is out of range for dim ${i} of size ${n}`);
      }
      p += k * this.strides[i];
    }
    return this.data[p];
  }

  /** The only element of a one-element array. */
  item(): number {
    if (this.size !== 1)
      throw new RangeError(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements`);
    return this.data[this.offset];
  }

  /** Nested JavaScript arrays (a number for rank 0). */
  toArray(): NestedArray {
    const flat = this.values();
    if (this.rank === 0) return flat[0];
    const build = (dim: number, start: number): NestedArray[] => {
      const n = this.shape[dim];
      const out: NestedArray[] = new Array(n);
      if (dim === this.rank - 1) {
        for (let i = 0; i < n; i++) out[i] = flat[start + i];
        return out;
      }
      let step = 1;
      for (let d = dim + 1; d < this.rank; d++) step *= this.shape[d];
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, start + i * step);
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    return `NDArray(${this.dtype}, ${formatShape(this.shape)})`;
  }
}
