/**
 * Crash-safe file write: temp file in the same directory, fsync, rename over the target, fsync the
 * directory. A reader sees the old file or the complete new one, never a torn one. (Local and small on
 * purpose; a shared helper lives in nn.)
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `bytes` to `path` atomically. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(bytes);
    await file.sync();
  } catch (e) {
    await file.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await file.close();
  await rename(tmp, path);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
