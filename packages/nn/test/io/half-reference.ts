// Reference F16 / BF16 narrowing for tests, sharing no bit tricks with the implementation: binary
// search over the (monotonic) positive bit patterns for the two neighbours, the nearer wins, ties go to
// the even pattern.
import { bf16BitsToFloat32, f16BitsToFloat32, float32ToBf16Bits, float32ToF16Bits } from '../../src/io';

export interface HalfFormat {
  name: 'F16' | 'BF16';
  encode: (x: number) => number;
  decode: (bits: number) => number;
  infBits: number;
  /** Where the next value after the largest finite one would be; ties there round to Infinity. */
  overflow: number;
  mantissaMask: number;
}

export const F16: HalfFormat = {
  name: 'F16',
  encode: float32ToF16Bits,
  decode: f16BitsToFloat32,
  infBits: 0x7c00,
  overflow: 2 ** 16,
  mantissaMask: 0x3ff,
};

export const BF16: HalfFormat = {
  name: 'BF16',
  encode: float32ToBf16Bits,
  decode: bf16BitsToFloat32,
  infBits: 0x7f80,
  overflow: 2 ** 128,
  mantissaMask: 0x7f,
};

export function isNaNPattern(f: HalfFormat, bits: number): boolean {
  return (bits & f.infBits) === f.infBits && (bits & f.mantissaMask) !== 0;
}

/** The nearest-even half bit pattern of a non-NaN `x`. */
export function referenceNarrow(f: HalfFormat, x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  const valueAt = (b: number) => (b === f.infBits ? f.overflow : f.decode(b));
  if (a >= f.overflow) return sign | f.infBits;
  let lo = 0; // invariant: valueAt(lo) <= a < valueAt(hi)
  let hi = f.infBits;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (valueAt(mid) <= a) lo = mid;
    else hi = mid;
  }
  const below = a - valueAt(lo);
  const above = valueAt(hi) - a;
  const pick = below < above ? lo : above < below ? hi : lo % 2 === 0 ? lo : hi;
  return sign | pick;
}
