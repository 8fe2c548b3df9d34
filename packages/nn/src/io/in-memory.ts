/**
 * The half of io/ that works on bytes in memory (browsers too): safetensors encode / decode, dtype
 * conversions, read limits and file-format errors. io/index.ts adds the Node file-system parts.
 */
export { fromNDArray, toFloat32, toNDArray } from './convert';
export { SAFE_DTYPE_BYTES, type SafeDType, type SafeTensor, type SafeTensorData } from './dtypes';
export { FileFormatError, keyPathOf, parseJsonText, parseWithSchema } from './file-format-error';
export { f8e4m3ToFloat32, f8e5m2ToFloat32 } from './float8';
export {
  bf16BitsToFloat32,
  f16BitsToFloat32,
  float32ArrayToBf16,
  float32ArrayToF16,
  float32ToBf16Bits,
  float32ToF16Bits,
} from './half-float';
export { type JsonValue, JsonValueSchema } from './json-value';
export {
  DEFAULT_READ_LIMITS,
  READ_LIMIT_ENV,
  ReadLimitError,
  type ReadLimits,
  raiseHint,
  readLimits,
} from './read-limits';
export { SafetensorsError, type SafetensorsErrorCode } from './safetensors-error';
export {
  MAX_HEADER_BYTES,
  type ParsedSafetensors,
  parseSafetensors,
  type SafetensorsLimits,
} from './safetensors-parse';
export { type SerializeOptions, serializeSafetensors } from './safetensors-serialize';
