/** Node-only file access for the loaders: existence checks, read bytes, gunzip through node:zlib. */
import { access } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { type ReadLimits, readLimits, readRegularFile } from '@gqa-lab/nn';
import { type Gunzip, maybeGunzip } from './gzip';

/** gunzip through node:zlib, which stops at `maxBytes` of output; errors name the file and zlib's reason. */
export const nodeGunzip: Gunzip = (bytes, name, maxBytes) => {
  try {
    // maxOutputLength must be at least 1; an empty promised output still decompresses to 0 bytes.
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: Math.max(1, maxBytes) }));
  } catch (e) {
    throw new RangeError(`${name}: gzip decompression failed: ${e instanceof Error ? e.message : String(e)}`);
  }
};

/**
 * Reads a regular file within the size limits, gunzipping `.gz` (or gzip-magic) content transparently, the
 * output capped by maxDecompressedBytes (read-limits.ts in @gqa-lab/nn).
 */
export async function readMaybeGzipped(
  path: string,
  gunzip: Gunzip = nodeGunzip,
  limits: Partial<ReadLimits> = {},
): Promise<Uint8Array> {
  const l = readLimits(limits);
  const raw = await readRegularFile(path, { maxBytes: l.maxFileBytes });
  return maybeGunzip(raw, path, gunzip, l.maxDecompressedBytes);
}

/** Whether `path` exists (file or folder); false for any access error, so callers report their own message. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
