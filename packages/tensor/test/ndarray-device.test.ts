/** NDArray over a DeviceSource: views share it without downloading, the first host read downloads once. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapeArb } from '../../../testing/arrays';
import { type DeviceSource, NDArray } from '../src/index';

/** A fake device: counts downloads and returns the same host array after the first. */
function fakeSource(values: Float32Array) {
  const state = { downloads: 0, host: null as Float32Array | null };
  const source: DeviceSource = {
    dtype: 'float32',
    length: values.length,
    download() {
      if (!state.host) {
        state.downloads++;
        state.host = values.slice();
      }
      return state.host;
    },
  };
  return { source, state };
}

describe('NDArray over a device source', () => {
  it('reshape / unsqueeze / isDense do not download; any view downloads once and all views see it', () => {
    fc.assert(
      fc.property(shapeArb(), fc.integer({ min: 0, max: 3 }), (shape, pick) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = Float32Array.from({ length: n }, (_, i) => i - 3.5);
        const { source, state } = fakeSource(values);
        const x = NDArray.of(source, shape);
        const flat = x.reshape([n]);
        const lifted = x.unsqueeze(0);
        expect(x.dtype).toBe('float32');
        expect(x.isDense && flat.isDense && lifted.isDense).toBe(true);
        expect(flat.deviceSource).toBe(source);
        expect(state.downloads).toBe(0);
        const views = [x, flat, lifted, x.clone()];
        const first = views[pick];
        expect(Array.from(first.values())).toEqual(Array.from(values));
        expect(state.downloads).toBe(1);
        expect(first.deviceSource).toBeNull();
        for (const v of views) expect(Array.from(v.values())).toEqual(Array.from(values));
        expect(state.downloads).toBe(1);
      }),
    );
  });

  it('in-place host writes after the download are seen by every view', () => {
    const { source } = fakeSource(new Float32Array([1, 2, 3, 4, 5, 6]));
    const x = NDArray.of(source, [2, 3]);
    const t = x.transpose();
    x.data[4] = 50;
    expect(t.get(1, 1)).toBe(50);
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 50, 6],
    ]);
  });

  it('NDArray.of checks a device source length like host data', () => {
    const { source } = fakeSource(new Float32Array(5));
    expect(() => NDArray.of(source, [2, 3])).toThrow('NDArray.of: 5 values do not fill shape [2, 3] (6)');
  });
});
