/** safetensors read / write, half-float conversions and atomic file writes for gqa-lab. */
export {
  type AtomicFileHandle,
  type AtomicFs,
  AtomicWriteError,
  type AtomicWriteStep,
  nodeAtomicFs,
  writeFileAtomic,
} from './atomic-write';
export { fromNDArray, toFloat32, toNDArray } from './convert';
export { SAFE_DTYPE_BYTES, type SafeDType, type SafeTensor, type SafeTensorData } from './dtypes';
export {
  bf16BitsToFloat32,
  f16BitsToFloat32,
  float32ArrayToBf16,
  float32ArrayToF16,
  float32ToBf16Bits,
  float32ToF16Bits,
} from './half-float';
export { SafetensorsError, type SafetensorsErrorCode } from './safetensors-error';
export { loadSafetensorsFile, saveSafetensorsFile } from './safetensors-file';
export { MAX_HEADER_BYTES, type ParsedSafetensors, parseSafetensors } from './safetensors-parse';
export { type SerializeOptions, serializeSafetensors } from './safetensors-serialize';
