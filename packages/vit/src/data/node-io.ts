/** Node-only file access for the loaders: existence checks, read bytes, gunzip through node:zlib. */
import { access, readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { type Gunzip, maybeGunzip } from './gzip';

/** gunzip through node:zlib; errors name the file and zlib's reason. */
export const nodeGunzip: Gunzip = (bytes, name) => {
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (e) {
    throw new RangeError(`${name}: gzip decompression failed: ${e instanceof Error ? e.message : String(e)}`);
  }
};

/** Reads a file, gunzipping `.gz` (or gzip-magic) content transparently. */
export async function readMaybeGzipped(path: string, gunzip: Gunzip = nodeGunzip): Promise<Uint8Array> {
  const raw = await readFile(path);
  return maybeGunzip(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), path, gunzip);
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
