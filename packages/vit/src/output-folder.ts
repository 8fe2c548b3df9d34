/**
 * Creating output folders with errors that say what is wrong: a recursive mkdir reports the path it was
 * asked for (ENOENT, ENOTDIR, EACCES, EROFS) even when the cause is an ancestor that is a file, read-only or
 * on a read-only file system, so the error names the nearest existing ancestor and what it is.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `folder` and its parents; a failure names the folder, the blocking ancestor and why. */
export function makeOutputFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (e) {
    throw new Error(`cannot create output folder ${folder}: ${explain(resolve(folder), e)}`, { cause: e });
  }
}

function explain(path: string, e: unknown): string {
  const code = e instanceof Error && 'code' in e ? String(e.code) : '';
  let at = path;
  for (;;) {
    const parent = dirname(at);
    let kind: 'folder' | 'other' | null = null;
    try {
      kind = statSync(at).isDirectory() ? 'folder' : 'other';
    } catch {
      kind = null;
    }
    if (kind === 'other') return `${at} exists and is not a folder`;
    if (kind === 'folder') {
      if (at === path) return `${code || String(e)}`;
      if (code === 'EROFS') return `${at} is on a read-only file system`;
      try {
        accessSync(at, constants.W_OK);
      } catch {
        return `${at} is not writable`;
      }
      return `${code || String(e)} while creating ${path} inside ${at}`;
    }
    if (parent === at) return code || String(e);
    at = parent;
  }
}
