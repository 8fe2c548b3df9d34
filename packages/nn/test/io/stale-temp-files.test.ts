// Temp files of killed atomic writes (`.last.safetensors.<pid>.<n>.tmp`) are removed at the next start,
// unless their process still runs (or is this one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTempFiles } from '../../src/io';

describe('removeStaleTempFiles', () => {
  it('removes a dead process temp files of the named targets, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stale-'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // a process that has exited
    if (dead === undefined) throw new Error('no child pid');
    const names = {
      stale: `.last.safetensors.${dead}.3.tmp`,
      staleBest: `.best.safetensors.${dead}.1.tmp`,
      ours: `.last.safetensors.${process.pid}.1.tmp`,
      otherTarget: `.notes.txt.${dead}.1.tmp`,
      unrelated: 'last.safetensors',
    };
    for (const n of Object.values(names)) writeFileSync(join(dir, n), 'x');
    const removed = await removeStaleTempFiles(dir, ['last.safetensors', 'best.safetensors']);
    expect(removed.sort()).toEqual([join(dir, names.staleBest), join(dir, names.stale)].sort());
    expect(existsSync(join(dir, names.ours))).toBe(true);
    expect(existsSync(join(dir, names.otherTarget))).toBe(true);
    expect(existsSync(join(dir, names.unrelated))).toBe(true);
    expect(await removeStaleTempFiles(join(dir, 'missing'), ['last.safetensors'])).toEqual([]);
    // Without targets: any name's stale temp file.
    expect(await removeStaleTempFiles(dir)).toEqual([join(dir, names.otherTarget)]);
    expect(existsSync(join(dir, names.ours))).toBe(true);
  });
});
