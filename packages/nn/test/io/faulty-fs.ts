// An AtomicFs over the real file system that fails one chosen operation and logs every call, for
// fault-injection tests of writeFileAtomic.
import type { AtomicFileHandle, AtomicFs } from '../../src/io';
import { nodeAtomicFs } from '../../src/io';

export type FaultPoint =
  | 'open-temp'
  | 'write'
  | 'write-after-half'
  | 'fsync'
  | 'close'
  | 'rename'
  | 'open-dir'
  | 'fsync-dir'
  | 'close-dir';

export const FAULT_POINTS: FaultPoint[] = [
  'open-temp',
  'write',
  'write-after-half',
  'fsync',
  'close',
  'rename',
  'open-dir',
  'fsync-dir',
  'close-dir',
];

/** The writeFileAtomic step each fault point must be reported as. */
export const STEP_OF: Record<FaultPoint, string> = {
  'open-temp': 'open',
  write: 'write',
  'write-after-half': 'write',
  fsync: 'fsync',
  close: 'close',
  rename: 'rename',
  'open-dir': 'fsync-dir',
  'fsync-dir': 'fsync-dir',
  'close-dir': 'fsync-dir',
};

export interface FaultyFs extends AtomicFs {
  log: string[];
  /** Whether the fault was reached (a write fault never fires for empty content). */
  fired: () => boolean;
}

/** Fails at `fault` (or never, for null) with an Error whose message names the fault point. */
export function faultyFs(
  fault: FaultPoint | null,
  opts: { failUnlink?: boolean; maxChunk?: number } = {},
): FaultyFs {
  const log: string[] = [];
  let fired = false;
  const boom = (point: FaultPoint) => {
    fired = true;
    return new Error(`injected ${point} failure`);
  };
  const wrap = (real: AtomicFileHandle, isDir: boolean): AtomicFileHandle => ({
    async write(buffer, offset, length, position) {
      log.push(`write ${offset} ${length}`);
      if (fault === 'write') throw boom('write');
      if (fault === 'write-after-half' && offset > 0) throw boom('write-after-half');
      // Short writes: the caller must loop. The half fault writes half the bytes, then fails.
      const chunk =
        fault === 'write-after-half' ? Math.ceil(length / 2) : Math.min(length, opts.maxChunk ?? length);
      return real.write(buffer, offset, chunk, position);
    },
    async sync() {
      log.push(isDir ? 'fsync-dir' : 'fsync');
      if (fault === (isDir ? 'fsync-dir' : 'fsync')) throw boom(fault);
      await real.sync();
    },
    async close() {
      log.push(isDir ? 'close-dir' : 'close');
      await real.close(); // really close, so a failing close does not leak the descriptor
      if (fault === (isDir ? 'close-dir' : 'close')) throw boom(fault);
    },
  });
  return {
    log,
    fired: () => fired,
    async open(path, flags) {
      const isDir = flags === 'r';
      log.push(`open ${isDir ? 'dir' : 'temp'} ${flags}`);
      if (fault === (isDir ? 'open-dir' : 'open-temp')) throw boom(fault);
      return wrap(await nodeAtomicFs.open(path, flags), isDir);
    },
    async rename(from, to) {
      log.push('rename');
      if (fault === 'rename') throw boom('rename');
      await nodeAtomicFs.rename(from, to);
    },
    async unlink(path) {
      log.push('unlink');
      if (opts.failUnlink) throw new Error('injected unlink failure');
      await nodeAtomicFs.unlink(path);
    },
  };
}
