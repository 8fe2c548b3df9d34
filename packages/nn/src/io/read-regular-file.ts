/**
 * Reads untrusted files: only regular files (a FIFO would block forever, /dev/zero never ends, a folder
 * has no bytes), only up to a size limit, and in parts, so files over 2 GiB (where fs.readFile gives up)
 * are read too.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ReadLimitError, type ReadLimits, readLimits } from './read-limits';

/** Bytes per read call; node's fs refuses single reads of 2 GiB and more. */
export const DEFAULT_READ_PART_BYTES = 1024 ** 3;

/** Thrown for a path that is not a readable regular file; names the path and what it is instead. */
export class NotARegularFileError extends Error {
  override readonly name = 'NotARegularFileError';
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    super(`${file}: is ${kind}, expected a regular file`);
  }
}

export interface ReadRegularFileOptions {
  /** Largest size accepted (default: readLimits().maxFileBytes). */
  maxBytes?: number;
  /** Which limit maxBytes is, for the error's hint (default 'maxFileBytes'). */
  limit?: keyof ReadLimits;
  /** Bytes per read call (tests inject a small one to exercise the multi-part path). */
  partBytes?: number;
}

/** The whole content of the regular file at `path`; errors name the path. */
export async function readRegularFile(path: string, opts: ReadRegularFileOptions = {}): Promise<Uint8Array> {
  const limit = opts.limit ?? 'maxFileBytes';
  const maxBytes = opts.maxBytes ?? readLimits()[limit];
  const partBytes = opts.partBytes ?? DEFAULT_READ_PART_BYTES;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise block before fstat can refuse it.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : '';
    if (code === 'EISDIR') throw new NotARegularFileError(path, 'a folder');
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(e);
    throw new Error(`${path}: cannot open: ${reason}`, { cause: e });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new NotARegularFileError(path, kindOf(stat));
    if (stat.size > maxBytes) throw new ReadLimitError(path, limit, 'the file', stat.size, maxBytes);
    const out = new Uint8Array(stat.size);
    let done = 0;
    while (done < out.length) {
      const want = Math.min(partBytes, out.length - done);
      const { bytesRead } = await handle.read(out, done, want, done);
      if (bytesRead === 0)
        throw new Error(`${path}: file shrank while reading (${done} of ${out.length} bytes)`);
      done += bytesRead;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** Reads a regular UTF-8 text file up to `maxBytes` (default: the JSON limit). */
export async function readRegularTextFile(path: string, maxBytes?: number): Promise<string> {
  const bytes = await readRegularFile(path, { maxBytes, limit: 'maxJsonBytes' });
  return new TextDecoder('utf-8').decode(bytes);
}

function kindOf(stat: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}
