/**
 * Crash-safe file replacement: write a temp file in the same folder, fsync it, rename it over the
 * target, fsync the folder (a rename is not durable until its folder is synced, as PostgreSQL and
 * leveldb learned). Until the rename, the old file is untouched; on failure the temp file is removed.
 */
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file handle operations writeFileAtomic needs (a subset of node:fs/promises FileHandle). */
export interface AtomicFileHandle {
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file-system operations writeFileAtomic needs; inject a fake to test each failure. */
export interface AtomicFs {
  open(path: string, flags: string): Promise<AtomicFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** The real file system. */
export const nodeAtomicFs: AtomicFs = {
  open: (path, flags) => fsp.open(path, flags),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
};

export type AtomicWriteStep = 'open' | 'write' | 'fsync' | 'close' | 'rename' | 'fsync-dir';

/** A failed atomic write: names the target, the step that failed and the temp file. */
export class AtomicWriteError extends Error {
  override readonly name = 'AtomicWriteError';
  readonly path: string;
  readonly step: AtomicWriteStep;
  readonly tempPath: string;

  constructor(path: string, step: AtomicWriteStep, tempPath: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`writeFileAtomic ${path}: ${step} failed (temp file ${tempPath}): ${reason}`, { cause });
    this.path = path;
    this.step = step;
    this.tempPath = tempPath;
  }
}

let tempCounter = 0;

/** The temp file name used next to `path`: hidden, unique per process and call. */
export function tempPathFor(path: string): string {
  tempCounter += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter}.tmp`);
}

/**
 * Atomically replaces `path` with `bytes`: afterwards the file holds either its old content or all of
 * `bytes`, never a mix, even across a crash. Throws AtomicWriteError naming the failed step; a failure
 * before the rename leaves the old file intact and no temp file behind.
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  fs: AtomicFs = nodeAtomicFs,
): Promise<void> {
  const tempPath = tempPathFor(path);
  let step: AtomicWriteStep = 'open';
  let handle: AtomicFileHandle | null = null;
  let created = false;
  let renamed = false;
  try {
    // 'wx': fail rather than clobber if the name is somehow taken.
    handle = await fs.open(tempPath, 'wx');
    created = true;
    step = 'write';
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, written);
      if (bytesWritten <= 0) throw new Error(`wrote ${written} of ${bytes.length} bytes, then no progress`);
      written += bytesWritten;
    }
    step = 'fsync';
    await handle.sync();
    step = 'close';
    const closing = handle;
    handle = null;
    await closing.close();
    step = 'rename';
    await fs.rename(tempPath, path);
    renamed = true;
    step = 'fsync-dir';
    await syncFolder(dirname(path), fs);
  } catch (cause) {
    if (handle !== null) await handle.close().catch(() => undefined);
    // Only remove what we created (a failed 'wx' open may mean the name is someone else's file).
    // Best effort: the original error matters more than a failed cleanup.
    if (created && !renamed) await fs.unlink(tempPath).catch(() => undefined);
    throw new AtomicWriteError(path, step, tempPath, cause);
  }
}

/** fsync a folder so a rename inside it survives a crash (not possible on Windows, where it is skipped). */
async function syncFolder(folder: string, fs: AtomicFs): Promise<void> {
  if (process.platform === 'win32') return;
  const dir = await fs.open(folder, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Whether process `pid` is alive on this machine (a signal-0 probe; EPERM means alive but not ours). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e instanceof Error && 'code' in e && e.code === 'EPERM';
  }
}

/**
 * Removes the temp files writeFileAtomic leaves next to `targets` when a process is killed mid-write
 * (`.<name>.<pid>.<n>.tmp`), skipping those of a process still running; without `targets`, those of any
 * name. Call it when a run starts in a folder; returns the paths removed.
 */
export async function removeStaleTempFiles(folder: string, targets?: readonly string[]): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(folder);
  } catch {
    return []; // no folder yet: nothing to clean
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^\.(.+)\.(\d+)\.(\d+)\.tmp$/.exec(name);
    if (!m || (targets !== undefined && !targets.includes(m[1]))) continue;
    const pid = Number(m[2]);
    // Ours (a write in progress in this process) or a live process's: not stale.
    if (pid === process.pid || processAlive(pid)) continue;
    const path = join(folder, name);
    await fsp.unlink(path).catch(() => undefined);
    removed.push(path);
  }
  return removed;
}
