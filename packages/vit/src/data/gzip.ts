/**
 * Transparent gzip handling with a pluggable decompressor, so the parsers stay free of Node APIs:
 * Node passes `nodeGunzip` (node-io.ts), a browser passes `decompressionStreamGunzip`.
 */
import { DEFAULT_READ_LIMITS, ReadLimitError } from '@gqa-lab/nn';

/**
 * Decompresses gzip bytes; `name` is the file name quoted in errors. Output past `maxBytes` must be refused
 * (not produced and then checked): a 1 MB gzip bomb must not grow to gigabytes first.
 */
export type Gunzip = (bytes: Uint8Array, name: string, maxBytes: number) => Uint8Array | Promise<Uint8Array>;

/** The uncompressed size a gzip stream's trailer promises (ISIZE: the size mod 2^32, of the last member). */
export function gzipPromisedSize(bytes: Uint8Array): number | null {
  if (bytes.length < 18) return null;
  return new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
}

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Returns the bytes decompressed when `name` ends in `.gz` or the bytes carry the gzip magic, otherwise
 * unchanged. A `.gz` name without the magic is an error naming the file and the bytes found. The output is
 * capped at the size the gzip trailer promises, which must itself be within `maxBytes` (the limit
 * maxDecompressedBytes, 256 MiB by default): a file promising more is refused before decompressing.
 */
export async function maybeGunzip(
  bytes: Uint8Array,
  name: string,
  gunzip: Gunzip,
  maxBytes: number = DEFAULT_READ_LIMITS.maxDecompressedBytes,
): Promise<Uint8Array> {
  const gz = isGzip(bytes);
  if (name.endsWith('.gz') && !gz) {
    const found = Array.from(bytes.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new RangeError(`${name}: not gzip data: expected magic 1f 8b, got ${found || '(empty file)'}`);
  }
  if (!gz) return bytes;
  const promised = gzipPromisedSize(bytes);
  if (promised === null) throw new RangeError(`${name}: gzip data is truncated (${bytes.length} bytes)`);
  if (promised > maxBytes)
    throw new ReadLimitError(
      name,
      'maxDecompressedBytes',
      'the gzip content (as its trailer promises)',
      promised,
      maxBytes,
    );
  const out = await gunzip(bytes, name, promised);
  if (out.length !== promised)
    throw new RangeError(
      `${name}: gzip data decompressed to ${out.length} bytes, its trailer promises ${promised}`,
    );
  return out;
}

/** Browser (and Node >= 18) gunzip through the standard `DecompressionStream('gzip')`, stopping past `maxBytes`. */
export const decompressionStreamGunzip: Gunzip = async (bytes, name, maxBytes) => {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const copy = new Uint8Array(bytes); // a fresh ArrayBuffer-backed copy, as Blob wants
    const reader = new Blob([copy.buffer]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        break;
      }
      chunks.push(value);
    }
  } catch (e) {
    throw new RangeError(`${name}: gzip decompression failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (total > maxBytes) throw new RangeError(`${name}: gzip data decompresses past ${maxBytes} bytes`);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
