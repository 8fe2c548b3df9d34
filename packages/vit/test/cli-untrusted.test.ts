// Command-line cases of issues 15 and 17: decimal numbers only, a raised --epochs extends a finished run,
// --allow-change, a size mismatch named on eval, --config files checked by their schema, stale temp files.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@gqa-lab/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli';
import { intValue, numberValue } from '../src/cli/values';
import { vitPreset } from '../src/presets';
import { saveModelFile } from '../src/uptrain-model-file';
import { createViT } from '../src/vit';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { print: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gqa-lab-cli-untrusted-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('numbers on the command line are decimal only', () => {
  it.each(['0x1', '0b1', '0o7', '1e3', ' ', 'Infinity', '1.0.0'])('--epochs %s is refused', async (raw) => {
    const r = await run('train', '--epochs', raw);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--epochs: expected an integer in [1, 10000], got '${raw}'`);
  });

  it('decimal forms are read as before', () => {
    expect(intValue('n', '12', 1)).toBe(12);
    expect(intValue('n', '+3', 1)).toBe(3);
    expect(numberValue('lr', '3e-4', 10)).toBe(3e-4);
    expect(numberValue('lr', '.5', 10)).toBe(0.5);
    for (const raw of ['0x10', 'Infinity', '1e', '-'])
      expect(() => numberValue('lr', raw, 1e9)).toThrow(`--lr: expected a number`);
  });
});

describe('train --resume', () => {
  const common = ['--train-limit', '64', '--test-limit', '32', '--batch-size', '32', '--warmup-steps', '1'];
  it('--epochs 2 --resume extends a finished one-epoch run; a changed --lr needs --allow-change lr', async () => {
    const out = join(dir, 'extend');
    expect((await run('train', ...common, '--epochs', '1', '--out', out)).code).toBe(0);
    const extended = await run('train', ...common, '--epochs', '2', '--resume', '--out', out);
    expect(extended.err).toBe('');
    expect(extended.code).toBe(0);
    const changed = await run('train', ...common, '--epochs', '3', '--lr', '0.01', '--resume', '--out', out);
    expect(changed.code).toBe(1);
    expect(changed.err).toContain('lr: checkpoint 0.003, now 0.01');
    const allowed = await run(
      'train',
      ...common,
      '--epochs',
      '3',
      '--lr',
      '0.01',
      '--resume',
      '--allow-change',
      'lr',
      '--out',
      out,
    );
    expect(allowed.code).toBe(0);
  }, 120_000);

  it('stale temp files of killed writes are removed when a run starts', async () => {
    const out = join(dir, 'stale');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await rm(out, { recursive: true, force: true });
    await run('train', ...common, '--epochs', '1', '--out', out);
    const stale = join(out, `.last.safetensors.${dead}.7.tmp`);
    await writeFile(stale, 'partial');
    await run('train', ...common, '--epochs', '2', '--resume', '--out', out);
    expect(existsSync(stale)).toBe(false);
  }, 120_000);
});

describe('eval and --config', () => {
  it('a 3x32x32 model on 28x28 data names the size mismatch', async () => {
    const path = join(dir, 'cifar-shaped.safetensors');
    await saveModelFile(
      path,
      createViT(vitPreset('vit_tiny_patch4_32', { numClasses: 10 }), new Rng(1)),
      null,
      null,
    );
    const r = await run('eval', '--model', path, '--test-limit', '8');
    expect(r.code).toBe(2);
    expect(r.err).toContain('takes 3x32x32 images of 10 classes, but');
    expect(r.err).toContain('1x28x28 images');
  });

  it('--model that is a folder is refused naming it', async () => {
    const r = await run('eval', '--model', dir);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`${dir}: is a folder`);
  });

  it('a --config file is checked by its schema: key path and reason', async () => {
    const path = join(dir, 'cfg.json');
    await writeFile(path, JSON.stringify({ epochs: { n: 2 } }));
    const r = await run('train', '--config', path);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--config: ${path}: key 'epochs'`);
    await writeFile(path, JSON.stringify(['epochs']));
    expect((await run('train', '--config', path)).err).toContain(`--config: ${path}`);
  });
});
