/**
 * Validates the JSON header of a safetensors file, entry by entry. Layout checks that need all
 * entries together (sorted, contiguous, exact) live in safetensors-layout.ts.
 */
import { isSafeDType, SAFE_DTYPE_BYTES, type SafeDType } from './dtypes';
import { exceedsNestingDepth, findDuplicateKey } from './json-duplicate-keys';
import { SafetensorsError } from './safetensors-error';

/** One validated tensor entry of the header; offsets are relative to the start of the byte buffer. */
export interface HeaderEntry {
  name: string;
  dtype: SafeDType;
  shape: number[];
  begin: number;
  end: number;
}

export interface ParsedHeader {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

export const METADATA_KEY = '__metadata__';

// {name: {"shape": [dims]}} is as deep as a valid header goes.
const MAX_HEADER_DEPTH = 3;
const ENTRY_FIELDS = ['data_offsets', 'dtype', 'shape'];

/** Parses and validates header JSON text into entries (in header order) and string metadata. */
export function parseHeaderJson(text: string): ParsedHeader {
  if (exceedsNestingDepth(text, MAX_HEADER_DEPTH)) {
    throw new SafetensorsError('HEADER_TOO_DEEP', `header nests deeper than ${MAX_HEADER_DEPTH} levels`);
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError('INVALID_JSON', `header is not valid JSON (${String(e)})`, undefined, {
      cause: e,
    });
  }
  if (!isPlainObject(root)) {
    throw new SafetensorsError('HEADER_NOT_OBJECT', `header JSON is ${describe(root)}, expected an object`);
  }
  const dup = findDuplicateKey(text);
  if (dup !== null) {
    const where = dup.parentKey === null ? 'at the top level' : `in entry ${JSON.stringify(dup.parentKey)}`;
    throw new SafetensorsError(
      'DUPLICATE_KEY',
      `key ${JSON.stringify(dup.key)} appears twice ${where}`,
      dup.parentKey ?? dup.key,
    );
  }
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value);
    else entries.push(parseEntry(name, value));
  }
  return { entries, metadata };
}

function parseMetadata(value: unknown): Record<string, string> {
  // The reference reader treats a null __metadata__ as absent.
  if (value === null) return {};
  if (!isPlainObject(value)) {
    throw new SafetensorsError('INVALID_METADATA', `__metadata__ is ${describe(value)}, expected an object`);
  }
  const pairs: [string, string][] = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        'INVALID_METADATA',
        `__metadata__[${JSON.stringify(key)}] is ${describe(v)}, expected a string`,
      );
    }
    pairs.push([key, v]);
  }
  // fromEntries defines own properties, so a key named "__proto__" stays plain data.
  return Object.fromEntries(pairs);
}

function parseEntry(name: string, value: unknown): HeaderEntry {
  const label = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(value)) {
    throw new SafetensorsError('INVALID_ENTRY', `${label} is ${describe(value)}, expected an object`, name);
  }
  const fields = Object.keys(value).sort();
  if (fields.length !== ENTRY_FIELDS.length || fields.some((f, i) => f !== ENTRY_FIELDS[i])) {
    throw new SafetensorsError(
      'INVALID_ENTRY',
      `${label} has fields [${fields.join(', ')}], expected exactly [${ENTRY_FIELDS.join(', ')}]`,
      name,
    );
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isSafeDType(dtype)) {
    throw new SafetensorsError(
      'UNKNOWN_DTYPE',
      `${label} has dtype ${describe(dtype)}, expected one of ${Object.keys(SAFE_DTYPE_BYTES).join(', ')}`,
      name,
    );
  }
  if (!isArrayOf(shape, isNonNegativeSafeInteger)) {
    throw new SafetensorsError(
      'INVALID_SHAPE',
      `${label} has shape ${describe(shape)}, expected an array of non-negative safe integers`,
      name,
    );
  }
  if (!isArrayOf(offsets, isNonNegativeSafeInteger) || offsets.length !== 2 || offsets[0] > offsets[1]) {
    throw new SafetensorsError(
      'INVALID_OFFSETS',
      `${label} has data_offsets ${describe(offsets)}, expected [begin, end] with 0 <= begin <= end`,
      name,
    );
  }
  const [begin, end] = offsets;
  // BigInt: a hostile shape like [2^52, 2^52] must not round to a plausible byte count.
  let expected = BigInt(SAFE_DTYPE_BYTES[dtype]);
  for (const d of shape) expected *= BigInt(d);
  if (expected !== BigInt(end - begin)) {
    throw new SafetensorsError(
      'SIZE_MISMATCH',
      `${label} (${dtype}, shape [${shape.join(', ')}]) needs ${expected} bytes but data_offsets ` +
        `[${begin}, ${end}] span ${end - begin}`,
      name,
    );
  }
  return { name, dtype, shape: [...shape], begin, end };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isArrayOf<T>(v: unknown, isItem: (item: unknown) => item is T): v is T[] {
  return Array.isArray(v) && v.every(isItem);
}

function isNonNegativeSafeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** A short, bounded description of a hostile JSON value for error messages. */
function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
