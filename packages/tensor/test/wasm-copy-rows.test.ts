/**
 * copy_rows_f32 (the tile mover of fused attention on the wasm tier) against a plain loop: rows copied
 * through any source strides (a transpose included), zeros up to the width, f32(x * mul) rounded as
 * JavaScript rounds it when mul is not 1, and nothing written outside the destination rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arenaWithRoom } from '../src/wasm/kernel-module';

const SRC = 0;
const DST = 8192; // float index of the destination, past any source the cases use

describe('copy_rows_f32', () => {
  it('matches a loop for any rows, lengths, widths, source strides and scale', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 21 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(1, 2, 5),
        fc.integer({ min: 0, max: 3 }),
        fc.oneof(fc.constant(1), fc.double({ min: -4, max: 4, noNaN: true })),
        fc.nat(1000),
        (rows, n, extra, rowGap, scs, dGap, mul, seed) => {
          const f = arenaWithRoom(1 << 16).f32;
          const width = n + extra;
          // Source rows sld floats apart, their floats scs apart (scs 1: contiguous, the vector path).
          const sld = scs === 1 ? n + rowGap : 1 + rowGap;
          const srcCs = scs === 1 ? 1 : scs === 2 ? rows * sld + 1 : scs * (rows + 1);
          const dld = width + dGap;
          f.fill(0, SRC, DST);
          for (let i = SRC; i < DST; i++) f[i] = ((i * 7919 + seed) % 1999) / 37 - 27;
          f.fill(Number.NaN, DST, DST + 4096); // garbage where nothing may be written but the rows
          const sentinel = Float32Array.from(f.subarray(DST, DST + 4096));
          arenaWithRoom(1 << 16).kernels.copy_rows_f32(
            SRC * 4,
            sld * 4,
            srcCs * 4,
            DST * 4,
            dld * 4,
            rows,
            n,
            width,
            mul,
          );
          const want = Float32Array.from(sentinel);
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < width; c++) {
              const x = f[SRC + r * sld + c * srcCs];
              want[r * dld + c] = c >= n ? 0 : mul === 1 ? x : Math.fround(x * mul);
            }
          }
          const got = new Uint32Array(f.buffer, DST * 4, 4096);
          expect(Array.from(got)).toEqual(Array.from(new Uint32Array(want.buffer)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
