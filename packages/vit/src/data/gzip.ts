/**
 * Transparent gzip handling with a pluggable decompressor, so the parsers stay free of Node APIs:
 * Node passes `nodeGunzip` (node-io.ts), a browser passes `decompressionStreamGunzip`.
 */

/** Decompresses gzip bytes; `name` is the file name quoted in errors. */
export type Gunzip = (bytes: Uint8Array, name: string) => Uint8Array | Promise<Uint8Array>;

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Returns the bytes decompressed when `name` ends in `.gz` or the bytes carry the gzip magic, otherwise
 * unchanged. A `.gz` name without the magic is an error naming the file and the bytes found.
 */
export async function maybeGunzip(bytes: Uint8Array, name: string, gunzip: Gunzip): Promise<Uint8Array> {
  const gz = isGzip(bytes);
  if (name.endsWith('.gz') && !gz) {
    const found = Array.from(bytes.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new RangeError(`${name}: not gzip data: expected magic 1f 8b, got ${found || '(empty file)'}`);
  }
  return gz ? await gunzip(bytes, name) : bytes;
}

/** Browser (and Node >= 18) gunzip through the standard `DecompressionStream('gzip')`. */
export const decompressionStreamGunzip: Gunzip = async (bytes, name) => {
  try {
    const copy = new Uint8Array(bytes); // a fresh ArrayBuffer-backed copy, as Blob wants
    const stream = new Blob([copy.buffer]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new RangeError(`${name}: gzip decompression failed: ${e instanceof Error ? e.message : String(e)}`);
  }
};
