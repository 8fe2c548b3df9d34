/**
 * float32 <-> IEEE binary16 (F16) and bfloat16 (BF16) conversions on raw bit patterns.
 * Narrowing rounds to nearest, ties to even (like numpy and PyTorch); NaN stays a quiet NaN with
 * its sign; values past the largest finite half become +-Infinity.
 */

// One shared scratch word to read and write float32 bit patterns without allocation.
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The bit pattern of `x` rounded to float32. */
export function float32Bits(x: number): number {
  scratchF32[0] = x;
  return scratchU32[0];
}

/** The float32 whose bit pattern is `bits`. */
export function float32FromBits(bits: number): number {
  scratchU32[0] = bits >>> 0;
  return scratchF32[0];
}

/** Rounds `x` (as float32) to the nearest F16, ties to even; returns the 16-bit pattern. */
export function float32ToF16Bits(x: number): number {
  const bits = float32Bits(x);
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15; // rebias the exponent for binary16
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal result: value = (mant | implicit 1) * 2^(e - 38); the half counts units of 2^-24.
    if (e < -10) return sign; // below 2^-25: rounds to zero
    const m = mant | 0x800000;
    const shift = 14 - e;
    return sign | roundShiftEven(m, shift);
  }
  // Normal: drop 13 mantissa bits; a carry out of the mantissa bumps the exponent (up to Infinity).
  return sign | (((e << 10) | (mant >>> 13)) + roundIncrement(mant, 13));
}

/** Rounds `x` (as float32) to the nearest BF16, ties to even; returns the 16-bit pattern. */
export function float32ToBf16Bits(x: number): number {
  const bits = float32Bits(x);
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return (bits >>> 16) | 0x40;
  return ((bits >>> 16) + roundIncrement(bits, 16)) & 0xffff;
}

/** The float value (exactly representable in float32) of an F16 bit pattern. */
export function f16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** The float value of a BF16 bit pattern (the high half of a float32). */
export function bf16BitsToFloat32(h: number): number {
  return float32FromBits((h & 0xffff) << 16);
}

/** Rounds every element of a float array to F16 bit patterns. */
export function float32ArrayToF16(src: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = float32ToF16Bits(src[i]);
  return out;
}

/** Rounds every element of a float array to BF16 bit patterns. */
export function float32ArrayToBf16(src: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = float32ToBf16Bits(src[i]);
  return out;
}

/** `value >>> shift` rounded to nearest, ties to even. */
function roundShiftEven(value: number, shift: number): number {
  return (value >>> shift) + roundIncrement(value, shift);
}

/** 1 when dropping the low `shift` bits of `value` should round the kept part up (nearest, ties to even). */
function roundIncrement(value: number, shift: number): number {
  const dropped = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  const keptIsOdd = (value >>> shift) & 1;
  return dropped > half || (dropped === half && keptIsOdd === 1) ? 1 : 0;
}
