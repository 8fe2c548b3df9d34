/**
 * Writes the safetensors format: u64 little-endian header length N, N bytes of JSON header padded with
 * spaces to a multiple of 8 (so the data starts 8-byte aligned), then the tensors' bytes back to back,
 * in name order like the reference implementation.
 */
import { dataMatchesDType, elementCount, type SafeTensor, type SafeTensorData } from './dtypes';
import { float32ArrayToBf16, float32ArrayToF16 } from './half-float';
import { SafetensorsError } from './safetensors-error';
import { METADATA_KEY } from './safetensors-header';
import { compareNames } from './safetensors-layout';
import { assertLittleEndianHost } from './safetensors-parse';

// With the u flag, surrogate pairs are one code point, so this matches only unpaired halves, which
// UTF-8 cannot encode (TextEncoder would silently turn them into U+FFFD and break the round trip).
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export interface SerializeOptions {
  /** Store F32 tensors as F16 or BF16 (round to nearest, ties to even). Other dtypes are written as given. */
  dtype?: 'F32' | 'F16' | 'BF16';
}

/** Serializes named tensors (and optional string metadata) to safetensors bytes. */
export function serializeSafetensors(
  tensors: Record<string, SafeTensor> | Map<string, SafeTensor>,
  metadata?: Record<string, string>,
  opts: SerializeOptions = {},
): Uint8Array {
  assertLittleEndianHost();
  const named = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  // Code-unit order; a stable, deterministic order is what matters for byte-identical files.
  named.sort(([a], [b]) => compareNames(a, b));
  const stored = named.map(([name, t]) => [name, storedTensor(name, t, opts.dtype ?? 'F32')] as const);

  // Build the JSON by hand: a JS object would move integer-like names ("0", "1") to the front.
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`${JSON.stringify(METADATA_KEY)}:${metadataJson(metadata)}`);
  let offset = 0;
  for (const [name, t] of stored) {
    const end = offset + t.data.byteLength;
    const info = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;

  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // pad with spaces
  let cursor = 8 + headerLength;
  for (const [, t] of stored) {
    out.set(bytesOf(t.data), cursor);
    cursor += t.data.byteLength;
  }
  return out;
}

/** Validates a tensor given to the writer and applies the F32 -> F16/BF16 option. */
function storedTensor(name: string, t: SafeTensor, f32As: 'F32' | 'F16' | 'BF16'): SafeTensor {
  const label = `tensor ${JSON.stringify(name)}`;
  if (name === METADATA_KEY) {
    throw new SafetensorsError('INVALID_TENSOR', `${label}: the name is reserved for metadata`, name);
  }
  if (LONE_SURROGATE.test(name)) {
    throw new SafetensorsError(
      'INVALID_TENSOR',
      `${label}: the name is not valid Unicode (lone surrogate)`,
      name,
    );
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(
      'INVALID_TENSOR',
      `${label} has shape ${JSON.stringify(t.shape)}, expected non-negative safe integers`,
      name,
    );
  }
  if (!dataMatchesDType(t.dtype, t.data)) {
    throw new SafetensorsError(
      'INVALID_TENSOR',
      `${label}: dtype ${t.dtype} cannot be stored from a ${t.data.constructor.name}`,
      name,
    );
  }
  const n = elementCount(t.shape);
  if (t.data.length !== n) {
    throw new SafetensorsError(
      'INVALID_TENSOR',
      `${label} has ${t.data.length} elements but shape [${t.shape.join(', ')}] needs ${n}`,
      name,
    );
  }
  // dataMatchesDType made Float32Array data and the F32 dtype the same thing.
  if (f32As === 'F32' || !(t.data instanceof Float32Array)) return t;
  const converted = f32As === 'F16' ? float32ArrayToF16(t.data) : float32ArrayToBf16(t.data);
  return { dtype: f32As, shape: t.shape, data: converted };
}

function metadataJson(metadata: Record<string, string>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(
        'INVALID_METADATA',
        `metadata[${JSON.stringify(key)}] is a ${typeof value}, safetensors metadata values must be strings`,
      );
    }
    if (LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) {
      throw new SafetensorsError(
        'INVALID_METADATA',
        `metadata[${JSON.stringify(key)}]: key or value is not valid Unicode (lone surrogate)`,
      );
    }
    parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  return `{${parts.join(',')}}`;
}

function bytesOf(data: SafeTensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
