/**
 * Size limits for reading untrusted files. Every reader checks sizes against these BEFORE allocating, so a
 * hostile file (a metadata claim, a gzip bomb, /dev/zero) fails fast with an error naming the limit and how
 * to raise it. Defaults fit every data set and model this project handles with room to spare; raise one by
 * passing `limits` to a reader, or for the command line with the environment variable named in the table.
 */

export interface ReadLimits {
  /** Largest file read whole (model files, checkpoints, data files). GQA_LAB_MAX_FILE_BYTES. */
  maxFileBytes: number;
  /** Largest safetensors JSON header. GQA_LAB_MAX_HEADER_BYTES. */
  maxHeaderBytes: number;
  /** Largest single tensor in a safetensors file. GQA_LAB_MAX_TENSOR_BYTES. */
  maxTensorBytes: number;
  /** Largest output of one gunzip. GQA_LAB_MAX_DECOMPRESSED_BYTES. */
  maxDecompressedBytes: number;
  /** Most images one data file may hold. GQA_LAB_MAX_IMAGES. */
  maxImages: number;
  /** Largest JSON document (results.json, config files, index files). GQA_LAB_MAX_JSON_BYTES. */
  maxJsonBytes: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** The defaults (see the README's reliability section). */
export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = {
  maxFileBytes: 8 * GiB,
  maxHeaderBytes: 100_000_000,
  maxTensorBytes: 4 * GiB,
  maxDecompressedBytes: 256 * MiB,
  maxImages: 200_000,
  maxJsonBytes: 64 * MiB,
};

/** The environment variable that raises each limit. */
export const READ_LIMIT_ENV: Readonly<Record<keyof ReadLimits, string>> = {
  maxFileBytes: 'GQA_LAB_MAX_FILE_BYTES',
  maxHeaderBytes: 'GQA_LAB_MAX_HEADER_BYTES',
  maxTensorBytes: 'GQA_LAB_MAX_TENSOR_BYTES',
  maxDecompressedBytes: 'GQA_LAB_MAX_DECOMPRESSED_BYTES',
  maxImages: 'GQA_LAB_MAX_IMAGES',
  maxJsonBytes: 'GQA_LAB_MAX_JSON_BYTES',
};

/**
 * The limits in force: defaults, overridden by decimal integers in the environment variables (an ill-formed
 * value is an error naming the variable, never silently ignored), overridden by `overrides`.
 */
export function readLimits(
  overrides: Partial<ReadLimits> = {},
  env: Readonly<Record<string, string | undefined>> = typeof process === 'undefined' ? {} : process.env,
): ReadLimits {
  const out: ReadLimits = { ...DEFAULT_READ_LIMITS };
  for (const key of Object.keys(READ_LIMIT_ENV) as (keyof ReadLimits)[]) {
    const raw = env[READ_LIMIT_ENV[key]];
    if (raw === undefined || raw === '') continue;
    if (!/^[0-9]{1,16}$/.test(raw.trim()))
      throw new RangeError(`${READ_LIMIT_ENV[key]}: expected a decimal byte or item count, got '${raw}'`);
    out[key] = Number(raw.trim());
  }
  return { ...out, ...overrides };
}

/** The sentence every limit error ends with. */
export function raiseHint(key: keyof ReadLimits): string {
  return `raise the limit with ${READ_LIMIT_ENV[key]}=N (or the reader's limits.${key} option)`;
}

/** Thrown when an input is larger than a limit; names what, the size, the limit and how to raise it. */
export class ReadLimitError extends Error {
  override readonly name = 'ReadLimitError';
  constructor(
    readonly file: string,
    readonly limit: keyof ReadLimits,
    what: string,
    readonly size: number | bigint,
    readonly max: number,
  ) {
    super(`${file}: ${what} is ${size} bytes or items, over the limit of ${max}; ${raiseHint(limit)}`);
  }
}
