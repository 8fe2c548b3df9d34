/**
 * Reads a safetensors file from memory. Every file is treated as hostile: each check below throws a
 * SafetensorsError before any byte outside the file could be touched.
 */
import { HOST_IS_LITTLE_ENDIAN, type SafeTensor, typedArrayFor } from './dtypes';
import { DEFAULT_READ_LIMITS, type ReadLimits, raiseHint } from './read-limits';
import { SafetensorsError } from './safetensors-error';
import { parseHeaderJson } from './safetensors-header';
import { checkLayout } from './safetensors-layout';

/** Largest header the reader accepts by default, as in the reference implementation. */
export const MAX_HEADER_BYTES = DEFAULT_READ_LIMITS.maxHeaderBytes;

/** The limits parseSafetensors applies (defaults: DEFAULT_READ_LIMITS). */
export type SafetensorsLimits = Pick<ReadLimits, 'maxHeaderBytes' | 'maxTensorBytes'>;

export interface ParsedSafetensors {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/**
 * Parses a whole safetensors file. Tensors come back in offset order, each owning a fresh copy of its
 * bytes (so unaligned offsets and a pooled Buffer are both fine, and mutating `bytes` later is harmless).
 */
export function parseSafetensors(
  bytes: Uint8Array,
  limits: Partial<SafetensorsLimits> = {},
): ParsedSafetensors {
  assertLittleEndianHost();
  const maxHeaderBytes = limits.maxHeaderBytes ?? DEFAULT_READ_LIMITS.maxHeaderBytes;
  const maxTensorBytes = limits.maxTensorBytes ?? DEFAULT_READ_LIMITS.maxTensorBytes;
  if (bytes.length < 8) {
    throw new SafetensorsError(
      'FILE_TOO_SMALL',
      `file is ${bytes.length} bytes, the u64 header length needs 8`,
    );
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(maxHeaderBytes)) {
    throw new SafetensorsError(
      'HEADER_TOO_LARGE',
      `header length ${headerLength} exceeds ${maxHeaderBytes}; ${raiseHint('maxHeaderBytes')}`,
    );
  }
  if (8n + headerLength > BigInt(bytes.length)) {
    throw new SafetensorsError(
      'HEADER_OUT_OF_BOUNDS',
      `header length ${headerLength} runs past the end of the file (${bytes.length} bytes, ${bytes.length - 8} after the length)`,
    );
  }
  const dataStart = 8 + Number(headerLength);
  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, dataStart),
    );
  } catch (e) {
    throw new SafetensorsError(
      'INVALID_UTF8',
      `header bytes [8, ${dataStart}) are not valid UTF-8`,
      undefined,
      {
        cause: e,
      },
    );
  }
  const { entries, metadata } = parseHeaderJson(headerText);
  const sorted = checkLayout(entries, bytes.length - dataStart);
  const tensors = new Map<string, SafeTensor>();
  for (const { name, begin, end } of sorted) {
    if (end - begin > maxTensorBytes)
      throw new SafetensorsError(
        'TENSOR_TOO_LARGE',
        `tensor ${JSON.stringify(name)} holds ${end - begin} bytes, over ${maxTensorBytes}; ${raiseHint('maxTensorBytes')}`,
        name,
      );
  }
  for (const { name, dtype, shape, begin, end } of sorted) {
    // A fresh buffer at offset 0 is aligned for every element size. (Not bytes.slice(): on a Node
    // Buffer that returns a view into the shared pool, not a copy.)
    const copy = new Uint8Array(end - begin);
    copy.set(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { dtype, shape, data: typedArrayFor(dtype, copy.buffer) });
  }
  return { tensors, metadata };
}

/** safetensors is little-endian and we copy element bytes as they are; refuse to misread on a big-endian host. */
export function assertLittleEndianHost(): void {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('safetensors: big-endian hosts are not supported');
}
