// Output folders: created with their parents; a failure names the ancestor that blocks it (issue 17, case 8).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOutputFolder } from '../src/output-folder';
import { train } from '../src/train';
import { tinyData, tinyModel } from './helpers';

describe('makeOutputFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'out-folder-'));

  it('creates a new nested folder', () => {
    makeOutputFolder(join(root, 'a', 'b', 'c'));
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true);
  });

  it('names an ancestor that is a file instead of a bare ENOTDIR / ENOENT', async () => {
    const file = join(root, 'not-a-folder');
    writeFileSync(file, 'x');
    const out = join(file, 'run', 'sub');
    expect(() => makeOutputFolder(out)).toThrow(
      `cannot create output folder ${out}: ${file} exists and is not a folder`,
    );
    const data = { train: tinyData(16), test: tinyData(8, 2) };
    await expect(
      train(tinyModel(), data, {
        epochs: 1,
        batchSize: 16,
        lr: 1e-3,
        weightDecay: 0,
        seed: 1,
        quiet: true,
        outDir: out,
      }),
    ).rejects.toThrow(`${file} exists and is not a folder`);
  });
});
