/**
 * The opcodes the kernels use, by their text-format names. Plain opcodes are one byte; SIMD opcodes are
 * the 0xfd prefix followed by a LEB128 index (the numbers below are those indices, from the SIMD spec).
 */

/** Value types and their type codes. */
export const VAL_TYPES = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type ValType = keyof typeof VAL_TYPES;

/** Instructions without immediates (operands come from the stack). */
export const PLAIN_OPS = {
  unreachable: 0x00,
  nop: 0x01,
  return: 0x0f,
  drop: 0x1a,
  select: 0x1b,
  'i32.eqz': 0x45,
  'i32.eq': 0x46,
  'i32.ne': 0x47,
  'i32.lt_s': 0x48,
  'i32.lt_u': 0x49,
  'i32.gt_s': 0x4a,
  'i32.le_s': 0x4c,
  'i32.ge_s': 0x4e,
  'i32.ge_u': 0x4f,
  'f32.eq': 0x5b,
  'f32.lt': 0x5d,
  'f32.gt': 0x5e,
  'f64.eq': 0x61,
  'i32.add': 0x6a,
  'i32.sub': 0x6b,
  'i32.mul': 0x6c,
  'i32.and': 0x71,
  'i32.or': 0x72,
  'i32.shl': 0x74,
  'i32.shr_s': 0x75,
  'i32.shr_u': 0x76,
  'f32.abs': 0x8b,
  'f32.neg': 0x8c,
  'f32.sqrt': 0x91,
  'f32.add': 0x92,
  'f32.sub': 0x93,
  'f32.mul': 0x94,
  'f32.div': 0x95,
  'f32.min': 0x96,
  'f32.max': 0x97,
  'f64.sqrt': 0x9f,
  'f64.add': 0xa0,
  'f64.sub': 0xa1,
  'f64.mul': 0xa2,
  'f64.div': 0xa3,
  'f32.demote_f64': 0xb6,
  'f64.convert_i32_s': 0xb7,
  'f64.promote_f32': 0xbb,
} as const;
export type PlainOp = keyof typeof PLAIN_OPS;

/** SIMD instructions without immediates (0xfd prefix + index). */
export const SIMD_OPS = {
  'i32x4.splat': 0x11,
  'f32x4.splat': 0x13,
  'f32x4.lt': 0x43,
  'v128.and': 0x4e,
  'v128.andnot': 0x4f,
  'f32x4.nearest': 0x6a,
  'i32x4.shl': 0xab,
  'i32x4.add': 0xae,
  'i32x4.trunc_sat_f32x4_s': 0xf8,
  'f32x4.abs': 0xe0,
  'f32x4.neg': 0xe1,
  'f32x4.sqrt': 0xe3,
  'f32x4.add': 0xe4,
  'f32x4.sub': 0xe5,
  'f32x4.mul': 0xe6,
  'f32x4.div': 0xe7,
  'f32x4.min': 0xe8,
  'f32x4.max': 0xe9,
  'f64x2.splat': 0x14,
  'f32x4.demote_f64x2_zero': 0x5e,
  'f64x2.promote_low_f32x4': 0x5f,
  'f64x2.sqrt': 0xef,
  'f64x2.add': 0xf0,
  'f64x2.sub': 0xf1,
  'f64x2.mul': 0xf2,
  'f64x2.div': 0xf3,
  /**
   * Relaxed SIMD (a * b + c, rounded once or twice as the machine likes): only in the opt-in FMA GEMM
   * (GQA_WASM_FMA=1); Node 20 validates it only with --experimental-wasm-relaxed-simd.
   */
  'f32x4.relaxed_madd': 0x105,
} as const;
export type SimdOp = keyof typeof SIMD_OPS;

/** Memory instructions (immediates: alignment exponent, offset) with their natural alignment. */
export const MEMORY_OPS = {
  'i32.load': { prefix: false, code: 0x28, align: 2 },
  'f32.load': { prefix: false, code: 0x2a, align: 2 },
  'i32.store': { prefix: false, code: 0x36, align: 2 },
  'f32.store': { prefix: false, code: 0x38, align: 2 },
  'f64.load': { prefix: false, code: 0x2b, align: 3 },
  'f64.store': { prefix: false, code: 0x39, align: 3 },
  'v128.load': { prefix: true, code: 0x00, align: 4 },
  'v128.load32_splat': { prefix: true, code: 0x09, align: 2 },
  'v128.store': { prefix: true, code: 0x0b, align: 4 },
  /** Two floats into the low half, zeros above: what f64x2.promote_low_f32x4 widens. */
  'v128.load64_zero': { prefix: true, code: 0x5d, align: 3 },
} as const;
export type MemoryOp = keyof typeof MEMORY_OPS;

/** SIMD lane instructions (immediate: lane index). */
export const LANE_OPS = {
  'f32x4.extract_lane': 0x1f,
  'f32x4.replace_lane': 0x20,
  'f64x2.extract_lane': 0x21,
} as const;
export type LaneOp = keyof typeof LANE_OPS;

export const SIMD_PREFIX = 0xfd;
export const OP_BLOCK = 0x02;
export const OP_LOOP = 0x03;
export const OP_IF = 0x04;
export const OP_ELSE = 0x05;
export const OP_END = 0x0b;
export const OP_BR = 0x0c;
export const OP_BR_IF = 0x0d;
export const OP_LOCAL_GET = 0x20;
export const OP_LOCAL_SET = 0x21;
export const OP_LOCAL_TEE = 0x22;
export const OP_I32_CONST = 0x41;
export const OP_F32_CONST = 0x43;
export const OP_F64_CONST = 0x44;
/** i8x16.shuffle: its immediate is 16 lane indices into the two operands' 32 bytes. */
export const SIMD_SHUFFLE = 0x0d;
/** Block type of a block that takes and leaves nothing. */
export const BLOCK_EMPTY = 0x40;
