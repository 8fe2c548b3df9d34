// Fault injection: whichever step of writeFileAtomic fails, the old file stays whole (until the
// rename), no temp file is left behind, and the error names the path and the step.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicWriteError, writeFileAtomic } from '../../src/io';
import { FAULT_POINTS, type FaultPoint, faultyFs, STEP_OF } from './faulty-fs';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gqa-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const OLD = new TextEncoder().encode('old checkpoint, intact');
const NEW = new Uint8Array(5000).map((_, i) => (i * 31) & 0xff);
const AFTER_RENAME: FaultPoint[] = ['open-dir', 'fsync-dir', 'close-dir'];

async function failure(promise: Promise<void>): Promise<AtomicWriteError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AtomicWriteError) return e;
    throw e;
  }
  throw new Error('expected writeFileAtomic to fail');
}

describe('writeFileAtomic', () => {
  it('replaces the file, syncs before the rename and syncs the folder after it', async () => {
    const target = join(dir, 'model.safetensors');
    await writeFile(target, OLD);
    const fs = faultyFs(null, { maxChunk: 1500 });
    await writeFileAtomic(target, NEW, fs);
    expect(new Uint8Array(await readFile(target))).toEqual(NEW);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    expect(fs.log).toEqual([
      'open temp wx',
      'write 0 5000',
      'write 1500 3500',
      'write 3000 2000',
      'write 4500 500',
      'fsync',
      'close',
      'rename',
      'open dir r',
      'fsync-dir',
      'close-dir',
    ]);
  });

  it('creates a file that did not exist, including an empty one', async () => {
    const target = join(dir, 'empty.bin');
    await writeFileAtomic(target, new Uint8Array(0));
    expect((await readFile(target)).length).toBe(0);
    expect(await readdir(dir)).toEqual(['empty.bin']);
  });

  it.each(FAULT_POINTS)(
    'a failure at %s keeps the old file (or the complete new one) and no temp file',
    async (fault) => {
      const target = join(dir, 'model.safetensors');
      await writeFile(target, OLD);
      const error = await failure(writeFileAtomic(target, NEW, faultyFs(fault)));
      expect(error.step).toBe(STEP_OF[fault]);
      expect(error.path).toBe(target);
      expect(error.message).toContain(target);
      expect(error.message).toContain(`${STEP_OF[fault]} failed`);
      expect(error.message).toContain(`injected ${fault} failure`);
      expect(await readdir(dir)).toEqual(['model.safetensors']);
      const content = new Uint8Array(await readFile(target));
      expect(content).toEqual(AFTER_RENAME.includes(fault) ? NEW : OLD);
    },
  );

  it('a failed open removes nothing (the temp name may belong to someone else)', async () => {
    const target = join(dir, 'model.safetensors');
    const fs = faultyFs('open-temp');
    await failure(writeFileAtomic(target, NEW, fs));
    expect(fs.log).toEqual(['open temp wx']);
  });

  it('a failure before the rename leaves no file where there was none', async () => {
    const target = join(dir, 'fresh.bin');
    await failure(writeFileAtomic(target, NEW, faultyFs('fsync')));
    expect(await readdir(dir)).toEqual([]);
  });

  it('a failing cleanup does not hide the original error', async () => {
    const target = join(dir, 'model.safetensors');
    await writeFile(target, OLD);
    const fs = faultyFs('rename', { failUnlink: true });
    const error = await failure(writeFileAtomic(target, NEW, fs));
    expect(error.step).toBe('rename');
    expect(fs.log).toContain('unlink');
    expect(new Uint8Array(await readFile(target))).toEqual(OLD);
  });

  it('a write that makes no progress is an error, not an endless loop', async () => {
    const target = join(dir, 'stuck.bin');
    const fs = faultyFs(null);
    const stuck = {
      ...fs,
      async open(path: string, flags: string) {
        const handle = await fs.open(path, flags);
        return { ...handle, write: async () => ({ bytesWritten: 0 }) };
      },
    };
    const error = await failure(writeFileAtomic(target, NEW, stuck));
    expect(error.step).toBe('write');
    expect(error.message).toContain('no progress');
    expect(await readdir(dir)).toEqual([]);
  });

  it('concurrent writes to one path use distinct temp files and leave one complete version', async () => {
    const target = join(dir, 'race.bin');
    const versions = [1, 2, 3, 4].map((v) => new Uint8Array(3000).fill(v));
    await Promise.all(versions.map((bytes) => writeFileAtomic(target, bytes)));
    const content = new Uint8Array(await readFile(target));
    expect(versions.some((v) => content.every((b, i) => b === v[i]))).toBe(true);
    expect(await readdir(dir)).toEqual(['race.bin']);
  });

  it('property: any content, any fault point (or none) -> old or new content, never a mix, no temp file', async () => {
    const target = join(dir, 'p.bin');
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.option(fc.constantFrom(...FAULT_POINTS), { nil: null }),
        fc.integer({ min: 1, max: 64 }),
        async (before, after, fault, maxChunk) => {
          await writeFile(target, before);
          const fs = faultyFs(fault, { maxChunk });
          const result = await writeFileAtomic(target, after, fs).then(
            () => null,
            (e: unknown) => e,
          );
          const content = new Uint8Array(await readFile(target));
          if (fs.fired()) expect(result).toBeInstanceOf(AtomicWriteError);
          else expect(result).toBeNull();
          const renamed = !fs.fired() || (fault !== null && AFTER_RENAME.includes(fault));
          expect(content).toEqual(renamed ? after : before);
          expect(await readdir(dir)).toEqual(['p.bin']);
        },
      ),
      { numRuns: 60 },
    );
  });
});
