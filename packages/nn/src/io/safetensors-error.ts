/**
 * The one error type of the safetensors reader and writer. Every rejection of a hostile or malformed
 * file is a `SafetensorsError` with a machine-readable `code`, so callers (and the fuzz tests) can tell
 * "bad file" apart from a bug.
 */

export type SafetensorsErrorCode =
  /** Fewer than 8 bytes: no room for the u64 header length. */
  | 'FILE_TOO_SMALL'
  /** The declared header length exceeds the header limit (default 100 MB). */
  | 'HEADER_TOO_LARGE'
  /** A tensor holds more bytes than the tensor limit (default 4 GiB). */
  | 'TENSOR_TOO_LARGE'
  /** The declared header runs past the end of the file. */
  | 'HEADER_OUT_OF_BOUNDS'
  /** The header bytes are not valid UTF-8. */
  | 'INVALID_UTF8'
  /** The header is not valid JSON. */
  | 'INVALID_JSON'
  /** The header JSON is not an object. */
  | 'HEADER_NOT_OBJECT'
  /** Brackets nest deeper than a safetensors header ever needs (3 levels). */
  | 'HEADER_TOO_DEEP'
  /** A JSON object in the header repeats a key. */
  | 'DUPLICATE_KEY'
  /** A tensor entry is not an object with exactly dtype, shape and data_offsets. */
  | 'INVALID_ENTRY'
  /** A dtype the safetensors format does not define (see SAFE_DTYPE_BYTES). */
  | 'UNKNOWN_DTYPE'
  /** A shape that is not an array of non-negative safe integers. */
  | 'INVALID_SHAPE'
  /** data_offsets is not [begin, end] with 0 <= begin <= end safe integers. */
  | 'INVALID_OFFSETS'
  /** end - begin differs from product(shape) * dtype size. */
  | 'SIZE_MISMATCH'
  /** Unused bytes between two tensors (or before the first). */
  | 'OFFSET_GAP'
  /** Two tensors share bytes. */
  | 'OFFSET_OVERLAP'
  /** A tensor ends past the end of the file. */
  | 'DATA_OUT_OF_BOUNDS'
  /** Bytes after the last tensor. */
  | 'TRAILING_BYTES'
  /** __metadata__ is not an object of string values (reader or writer). */
  | 'INVALID_METADATA'
  /** Writer input: data array does not match dtype or shape, or a reserved / invalid name. */
  | 'INVALID_TENSOR';

export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  readonly code: SafetensorsErrorCode;
  /** The tensor the error is about, when there is one. */
  readonly tensor: string | undefined;
  /** The file being read, when the bytes came from a file; the message then starts with it. */
  readonly file: string | undefined;
  /** The message without the file and code prefixes. */
  readonly detail: string;

  constructor(
    code: SafetensorsErrorCode,
    detail: string,
    tensor?: string,
    options?: { cause?: unknown; file?: string },
  ) {
    const prefix = options?.file === undefined ? '' : `${options.file}: `;
    super(`${prefix}safetensors ${code}: ${detail}`, options);
    this.code = code;
    this.tensor = tensor;
    this.file = options?.file;
    this.detail = detail;
  }

  /** The same error, reported against `file`. */
  inFile(file: string): SafetensorsError {
    return new SafetensorsError(this.code, this.detail, this.tensor, { cause: this, file });
  }
}
