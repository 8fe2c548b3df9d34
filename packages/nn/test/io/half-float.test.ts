// F16 / BF16 narrowing checked against an independent reference (half-reference.ts), exhaustively at
// every midpoint and by properties elsewhere.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  f16BitsToFloat32,
  float32ArrayToBf16,
  float32ArrayToF16,
  float32ToBf16Bits,
  float32ToF16Bits,
} from '../../src/io';
import { float32FromBits } from '../../src/io/half-float';
import { BF16, F16, isNaNPattern, referenceNarrow } from './half-reference';

describe.each([F16, BF16])('$name conversions', (f) => {
  it('narrowing any float32 matches the nearest-even reference', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        expect(f.encode(x)).toBe(referenceNarrow(f, x));
      }),
      { numRuns: 3000 },
    );
  });

  it('narrowing float32 bit patterns near every power of two matches the reference', () => {
    // Uniform 32-bit patterns reach the subnormal / overflow edges that fc.float rarely hits.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => {
        const x = float32FromBits(bits);
        if (Number.isNaN(x)) expect(isNaNPattern(f, f.encode(x))).toBe(true);
        else expect(f.encode(x)).toBe(referenceNarrow(f, x));
      }),
      { numRuns: 3000 },
    );
  });

  it('every exact midpoint between neighbours rounds to the even one; one float32 ulp off rounds to the nearer', () => {
    const f32 = new Float32Array(3);
    for (let b = 0; b < f.infBits; b++) {
      const lo = f.decode(b);
      const hi = b + 1 === f.infBits ? f.overflow : f.decode(b + 1);
      f32[0] = (lo + hi) / 2; // exact: one more mantissa bit than the half format fits in float32
      if (f32[0] !== (lo + hi) / 2) throw new Error(`midpoint of ${b} is not a float32`);
      const even = b % 2 === 0 ? b : b + 1;
      const got = f.encode(f32[0]);
      if (got !== even) expect({ b, got }).toEqual({ b, got: even });
      // Neighbouring float32 values of the midpoint.
      f32[1] = f32[0] * (1 - 2 ** -24);
      f32[2] = f32[0] * (1 + 2 ** -23);
      if (f32[0] > 2 ** -126 && f32[0] < 2 ** 127) {
        expect(f.encode(f32[1])).toBe(b);
        expect(f.encode(-f32[2])).toBe(0x8000 | (b + 1));
      }
    }
  });

  it('every non-NaN bit pattern survives decode -> encode, and NaN patterns decode to NaN', () => {
    for (let b = 0; b < 0x10000; b++) {
      const x = f.decode(b);
      if (isNaNPattern(f, b)) {
        expect(Number.isNaN(x)).toBe(true);
      } else if (f.encode(x) !== b) {
        expect({ b, encoded: f.encode(x) }).toEqual({ b, encoded: b });
      }
    }
  });

  it('NaN narrows to a NaN pattern', () => {
    expect(isNaNPattern(f, f.encode(Number.NaN))).toBe(true);
  });
});

describe('array conversions', () => {
  it('float32ArrayToF16 / float32ArrayToBf16 apply the scalar conversion element-wise', () => {
    fc.assert(
      fc.property(fc.array(fc.float(), { maxLength: 50 }), (xs) => {
        expect(Array.from(float32ArrayToF16(new Float32Array(xs)))).toEqual(xs.map(float32ToF16Bits));
        expect(Array.from(float32ArrayToBf16(new Float32Array(xs)))).toEqual(xs.map(float32ToBf16Bits));
      }),
    );
  });

  it('known values', () => {
    expect(float32ToF16Bits(1)).toBe(0x3c00);
    expect(float32ToF16Bits(-2)).toBe(0xc000);
    expect(float32ToF16Bits(65504)).toBe(0x7bff);
    expect(float32ToF16Bits(65520)).toBe(0x7c00);
    expect(float32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToBf16Bits(1)).toBe(0x3f80);
    expect(float32ToBf16Bits(-0)).toBe(0x8000);
    expect(f16BitsToFloat32(0x3555)).toBe(0.333251953125);
  });
});
