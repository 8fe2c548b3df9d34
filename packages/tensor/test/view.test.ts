import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapeArb } from '../../../testing/arrays';
import { arange, elements, indices, type NDArray, resolveRange } from '../src/index';

const numbered = (s: readonly number[]): NDArray => arange(s.reduce((p, d) => p * d, 1)).reshape([...s]);

/** A random permutation of 0..n-1 from fast-check. */
const permArb = (n: number) =>
  fc
    .array(fc.nat(), { minLength: n, maxLength: n })
    .map((keys) => [...keys.keys()].sort((i, j) => keys[i] - keys[j] || i - j));

describe('views', () => {
  it('reshape round trips and keeps row-major element order', () => {
    fc.assert(
      fc.property(shapeArb(0, 4, 4), (s) => {
        const x = numbered(s);
        const flat = x.reshape([-1]);
        expect(elements(flat)).toEqual(elements(x));
        expect(flat.reshape([...s]).shape).toEqual(s);
      }),
    );
  });
  it('permute then inverse permute is the identity view; permuted elements move as indices say', () => {
    fc.assert(
      fc.property(
        shapeArb(0, 4, 3).chain((s) => fc.record({ s: fc.constant(s), p: permArb(s.length) })),
        ({ s, p }) => {
          const x = numbered(s);
          const y = x.permute(p);
          for (const i of indices(y.shape)) {
            const src = new Array<number>(s.length);
            p.forEach((a, k) => {
              src[a] = i[k];
            });
            expect(y.get(...i)).toBe(x.get(...src));
          }
          const inv = new Array<number>(p.length);
          p.forEach((a, k) => {
            inv[a] = k;
          });
          const back = y.permute(inv);
          expect(back.shape).toEqual(s);
          expect(back.strides).toEqual(x.strides);
        },
      ),
    );
  });
  it('reshape of a permuted view copies only when needed and keeps logical order', () => {
    fc.assert(
      fc.property(
        shapeArb(2, 3, 3, 1).chain((s) => fc.record({ s: fc.constant(s), p: permArb(s.length) })),
        ({ s, p }) => {
          const y = numbered(s).permute(p);
          expect(elements(y.reshape([-1]))).toEqual(elements(y));
        },
      ),
    );
  });
  it('slice matches a reference index walk with Python start:stop:step semantics', () => {
    const rangeArb = fc.record(
      {
        start: fc.integer({ min: -6, max: 6 }),
        stop: fc.integer({ min: -6, max: 6 }),
        step: fc.integer({ min: -3, max: 3 }).filter((v) => v !== 0),
      },
      { requiredKeys: ['step'] },
    );
    fc.assert(
      fc.property(shapeArb(1, 3, 5), fc.array(rangeArb, { maxLength: 3 }), (s, ranges) => {
        const rs = ranges.slice(0, s.length);
        const x = numbered(s);
        const y = x.slice(rs);
        // Reference: Python's range() over each axis, built element by element.
        const picks = s.map((n, d) => {
          const r = rs[d];
          if (!r) return [...Array(n).keys()];
          const step = r.step;
          const norm = (v: number | undefined, dflt: number, lo: number, hi: number) =>
            v === undefined ? dflt : Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
          const start = step > 0 ? norm(r.start, 0, 0, n) : norm(r.start, n - 1, -1, n - 1);
          const stop = step > 0 ? norm(r.stop, n, 0, n) : norm(r.stop, -1, -1, n - 1);
          const out: number[] = [];
          for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
          return out;
        });
        expect(y.shape).toEqual(picks.map((p) => p.length));
        for (const i of indices(y.shape)) expect(y.get(...i)).toBe(x.get(...i.map((v, d) => picks[d][v])));
      }),
    );
  });
  it('resolveRange rejects a zero step naming the op', () => {
    expect(() => resolveRange('slice', { step: 0 }, 3)).toThrow(
      'slice: slice step must be a non-zero integer, got 0',
    );
  });
  it('expand follows NumPy broadcast_to and gives stride 0 to expanded dims', () => {
    fc.assert(
      fc.property(
        shapeArb(0, 3, 3),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
        (s, lead) => {
          const small = s.map((d, i) => (i % 2 === 0 ? 1 : d));
          const x = numbered(small);
          const y = x.expand([...lead, ...s]);
          for (const i of indices(y.shape)) {
            const src = i.slice(lead.length).map((v, d) => (small[d] === 1 ? 0 : v));
            expect(y.get(...i)).toBe(x.get(...src));
          }
        },
      ),
    );
    expect(() => numbered([2, 3]).expand([4, 3])).toThrow(
      'expand: cannot expand [2, 3] to [4, 3]: dim 0 is 2, not 1 or 4',
    );
    expect(() => numbered([2, 3]).expand([3])).toThrow('expand: cannot expand [2, 3] to fewer dims [3]');
  });
  it('squeeze / unsqueeze are inverse and reject non-unit dims', () => {
    fc.assert(
      fc.property(shapeArb(0, 3, 3), fc.nat(3), (s, k) => {
        const x = numbered(s);
        const ax = k % (s.length + 1);
        const u = x.unsqueeze(ax);
        expect(u.shape[ax]).toBe(1);
        expect(elements(u.squeeze([ax]))).toEqual(elements(x));
      }),
    );
    expect(() => numbered([2, 3]).squeeze([0])).toThrow('squeeze: dim 0 of [2, 3] has size 2, not 1');
  });
});
