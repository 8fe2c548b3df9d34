import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocationToMap,
  gqaMap,
  headRuns,
  mapToAllocation,
  mhaMap,
  mqaMap,
  uniformAllocation,
  uniformGroupSize,
  validateAllocation,
} from '../src/head-map';

const allocation = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 6 });

describe('head maps', () => {
  it('mha, mqa and gqa follow floor(h / (H / G))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (G, n) => {
        const H = G * n;
        const map = gqaMap(H, G);
        for (let h = 0; h < H; h++) expect(map[h]).toBe(Math.floor(h / n));
        expect(gqaMap(H, H)).toEqual(mhaMap(H));
        expect(gqaMap(H, 1)).toEqual(mqaMap(H));
        expect(uniformGroupSize(map, G)).toBe(n);
        expect(mapToAllocation(map, G)).toEqual(uniformAllocation(H, G));
      }),
    );
  });

  it('allocation -> map -> allocation round-trips, sizes of 0 included', () => {
    fc.assert(
      fc.property(allocation, (sizes) => {
        const H = sizes.reduce((a, b) => a + b, 0);
        fc.pre(H > 0);
        const map = allocationToMap(sizes, H);
        expect(map.length).toBe(H);
        expect(Array.from(mapToAllocation(map, sizes.length))).toEqual(sizes);
        const runs = headRuns(map);
        expect(runs.map((r) => r.count)).toEqual(sizes.filter((s) => s > 0));
      }),
    );
  });

  it('rejects invalid input with errors naming the values', () => {
    expect(() => gqaMap(6, 4)).toThrow(/numHeads 6 is not divisible by numKvHeads 4/);
    expect(() => gqaMap(0, 1)).toThrow(/numHeads must be an integer >= 1, got 0/);
    expect(() => gqaMap(4, 1.5)).toThrow(/numKvHeads must be an integer >= 1, got 1.5/);
    expect(() => validateAllocation([2, -1, 3])).toThrow(/size -1 for KV head 1/);
    expect(() => validateAllocation([2, 0.5])).toThrow(/size 0.5 for KV head 1/);
    expect(() => allocationToMap([2, 2], 5)).toThrow(/sums to 4, expected 5/);
    expect(() => mapToAllocation(Int32Array.of(0, 1, 0), 2)).toThrow(/not made of contiguous ranges/);
    expect(() => mapToAllocation(Int32Array.of(0, 3), 2)).toThrow(/reads KV head 3, outside \[0, 2\)/);
  });
});
