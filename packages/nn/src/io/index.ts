/** safetensors read / write, half-float conversions and atomic file writes for gqa-lab (Node). */

export {
  type AtomicFileHandle,
  type AtomicFs,
  AtomicWriteError,
  type AtomicWriteStep,
  nodeAtomicFs,
  removeStaleTempFiles,
  writeFileAtomic,
} from './atomic-write';
export * from './in-memory';
export {
  DEFAULT_READ_PART_BYTES,
  NotARegularFileError,
  type ReadRegularFileOptions,
  readRegularFile,
  readRegularTextFile,
} from './read-regular-file';
export { loadSafetensorsFile, saveSafetensorsFile } from './safetensors-file';
