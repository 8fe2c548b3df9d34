/**
 * Decoding the two float8 formats of safetensors (as PyTorch's float8_e4m3fn and float8_e5m2). Files hold
 * them as raw bytes; gqa-lab computes in float32, so they are widened on load (exactly: every float8 value
 * is a float32 value). Writing float8 means passing the raw bytes with an F8_* dtype.
 */

/** F8_E4M3 (e4m3fn): bias 7, no infinities, S.1111.111 is NaN, largest finite 448. */
export function f8e4m3ToFloat32(byte: number): number {
  const sign = byte & 0x80 ? -1 : 1;
  const exp = (byte >>> 3) & 0xf;
  const mant = byte & 0x7;
  if (exp === 0xf && mant === 0x7) return Number.NaN;
  if (exp === 0) return sign * mant * 2 ** -9; // subnormal: mant/8 · 2^(1-7)
  return sign * (1 + mant / 8) * 2 ** (exp - 7);
}

/** F8_E5M2: bias 15, IEEE-style infinities and NaNs (binary16 with the low 8 bits dropped). */
export function f8e5m2ToFloat32(byte: number): number {
  const sign = byte & 0x80 ? -1 : 1;
  const exp = (byte >>> 2) & 0x1f;
  const mant = byte & 0x3;
  if (exp === 0x1f) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  if (exp === 0) return sign * mant * 2 ** -16; // subnormal: mant/4 · 2^(1-15)
  return sign * (1 + mant / 4) * 2 ** (exp - 15);
}
