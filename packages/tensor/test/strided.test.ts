import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { arrayArb, shapeArb } from '../../../testing/arrays';
import {
  allocate,
  clearStoragePool,
  createCpuBackend,
  type DType,
  gatherStrided,
  NDArray,
  recycleStorage,
  sizeOf,
  type TypedArray,
  type View,
} from '../src/index';

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** The view's elements in row-major order, one multi-index at a time (no walk shared with the kernel). */
function referenceGather(src: TypedArray, view: View): number[] {
  const { shape, strides, offset } = view;
  const out: number[] = [];
  const size = sizeOf(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < size; k++) {
    let p = offset;
    for (let i = 0; i < shape.length; i++) p += index[i] * strides[i];
    out.push(src[p]);
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      if (++index[ax] < shape[ax]) break;
      index[ax] = 0;
    }
  }
  return out;
}

/** Slices of one dim of size n: start, stop and a step of +-1..3 (empty ranges included). */
const rangeArb = (n: number) =>
  fc.record({
    start: fc.integer({ min: -n, max: n }),
    stop: fc.integer({ min: -n, max: n }),
    step: fc.constantFrom(1, 1, 1, 2, 3, -1, -2),
  });

/**
 * A strided view as the models make them: storage of `base` dims behind a storage offset, permuted,
 * sliced (steps, negative steps) and with size-1 dims expanded (stride 0). Dims 8 and 3 are frequent so
 * head layouts such as (B, N, 3, H, D) with runs of 8 come up; `longLast` makes the last storage dim long
 * enough (60-70) for the block-copy path.
 */
function viewArb(longLast: boolean) {
  const dim = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(1, 3, 8));
  const last = longLast ? fc.integer({ min: 60, max: 70 }) : dim;
  return fc
    .tuple(fc.array(dim, { minLength: 0, maxLength: 5 }), last, fc.nat(5), fc.constantFrom(...DTYPES))
    .chain(([outer, n, storageOffset, dtype]) => {
      const base = [...outer, n];
      const rank = base.length;
      return fc.record({
        base: fc.constant(base),
        storageOffset: fc.constant(storageOffset),
        dtype: fc.constant(dtype),
        perm: fc.shuffledSubarray(
          Array.from({ length: rank }, (_, i) => i),
          { minLength: rank, maxLength: rank },
        ),
        ranges: fc.tuple(...base.map((d) => fc.option(rangeArb(d), { freq: 2 }))),
        expandTo: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: rank, maxLength: rank }),
        srcDtype: fc.constantFrom(dtype, dtype, ...DTYPES),
        dstOffset: fc.nat(4),
      });
    })
    .map(({ base, storageOffset, dtype, perm, ranges, expandTo, srcDtype, dstOffset }) => {
      const data = allocate(srcDtype, sizeOf(base) + storageOffset + 2);
      for (let i = 0; i < data.length; i++) data[i] = srcDtype === 'int32' ? i * 7 - 40 : i * 0.25 - 3.5;
      let x = new NDArray(data, {
        shape: base,
        strides: NDArray.empty(base).strides,
        offset: storageOffset,
      }).permute(perm);
      const permuted = perm.map((p) => ranges[p]);
      x = x.slice(permuted.map((r) => r ?? {}));
      x = x.expand(x.shape.map((d, i) => (d === 1 ? expandTo[i] : d)));
      return { x, dtype, dstOffset };
    });
}

describe('gatherStrided', () => {
  for (const longLast of [false, true]) {
    it(`copies any view element by element like an index-by-index walk (${longLast ? 'long' : 'short'} runs)`, () => {
      fc.assert(
        fc.property(viewArb(longLast), ({ x, dtype, dstOffset }) => {
          const sentinel = -99;
          const dst = allocate(dtype, x.size + dstOffset + 3).fill(sentinel);
          gatherStrided(x.data, x, dst, dstOffset);
          const want = allocate(dtype, dst.length).fill(sentinel);
          want.set(referenceGather(x.data, x), dstOffset);
          expect(Array.from(dst)).toEqual(Array.from(want));
        }),
        { numRuns: longLast ? 150 : 400 },
      );
    });
  }

  it('gathers the ViT head layouts: (B, N, 3, H, D) -> (3, B, H, N, D) and (B, H, N, D) -> (B, N, H, D)', () => {
    const [B, N, H, D] = [2, 5, 4, 8];
    const fill = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 0.5);
    const qkv = NDArray.of(fill(B * N * 3 * H * D), [B, N, 3, H, D]).permute([2, 0, 3, 1, 4]);
    const heads = NDArray.of(fill(B * H * N * D), [B, H, N, D]).permute([0, 2, 1, 3]);
    for (const x of [qkv, heads, qkv.slice([{ start: 1, stop: 2 }])]) {
      const out = new Float32Array(x.size);
      gatherStrided(x.data, x, out);
      expect(Array.from(out)).toEqual(referenceGather(x.data, x));
    }
  });
});

/** Puts 12 garbage-filled arrays of each length and dtype into the storage pool (NaN, or int32's largest value). */
function stockWithGarbage(lengths: readonly number[]): void {
  for (const n of lengths) {
    for (let i = 0; i < 12; i++) {
      recycleStorage(new Float32Array(n).fill(Number.NaN));
      recycleStorage(new Float64Array(n).fill(Number.NaN));
      recycleStorage(new Int32Array(n).fill(2 ** 31 - 1));
    }
  }
}

describe("movement copies into 'empty' storage", () => {
  afterEach(() => clearStoragePool());
  const be = createCpuBackend({
    kernels: 'js',
    threading: { threads: 1, minMacs: Number.POSITIVE_INFINITY },
  });
  /** Every copy that takes a recycled array as it is, on a view x of rank 3. */
  const copies = (x: NDArray): NDArray[] => [
    x.contiguous(),
    x.clone(),
    x.astype('int32'),
    be.copy(x),
    be.cast(x, 'float64'),
    be.where(x, x, be.unary.neg(x)),
    be.concat([x, x], 1),
    be.pad(
      x,
      [
        [1, 0],
        [0, 2],
        [0, 0],
      ],
      0,
    ),
    be.pad(
      x,
      [
        [1, 0],
        [0, 2],
        [0, 0],
      ],
      -0,
    ),
    be.pad(
      x,
      [
        [0, 1],
        [1, 0],
        [0, 0],
      ],
      1.5,
    ),
  ];

  it('write every element: a garbage-stocked storage pool changes no result (signs of zero included)', () => {
    // Sizes of 4096 and more: smaller arrays are never pooled.
    fc.assert(
      fc.property(arrayArb(shapeArb(3, 3, 20, 16)), ({ x }) => {
        clearStoragePool();
        const clean = copies(x).map((t) => Array.from(t.values()));
        const [a, b, c] = x.shape;
        stockWithGarbage([x.size, 2 * x.size, (a + 1) * (b + 2) * c, (a + 1) * (b + 1) * c]);
        const dirty = copies(x).map((t) => Array.from(t.values()));
        expect(dirty).toEqual(clean);
        // -0 padding must stay -0 (a zero-filled array would give +0).
        const negPad = copies(x)[8].values();
        expect(Object.is(negPad[0], -0)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});
