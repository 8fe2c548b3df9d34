import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend, getBackend, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli';
import { editDistance, helpText, nearest, parseArgv } from '../src/cli/args';
import { resolveUptrainConfig, UPTRAIN_SPEC } from '../src/cli/uptrain-command';
import { DEFAULT_UPTRAIN_CONFIG } from '../src/uptrain-config';
import { loadModelFile, saveModelFile } from '../src/uptrain-model-file';
import { createViT } from '../src/vit';
import { fixedResults, TINY_VIT } from './uptrain-fixtures';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { print: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gqa-lab-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('gqa-lab command line', () => {
  it('prints help for the program and for each command, listing every flag', async () => {
    expect((await run('--help')).out).toContain('Usage: gqa-lab <command>');
    const version = await run('--version');
    expect(version).toMatchObject({ code: 0, err: '' });
    expect(version.out).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await run()).code).toBe(2);
    for (const cmd of ['uptrain', 'train', 'eval', 'convert', 'report']) {
      const r = await run(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: gqa-lab ${cmd} [flags]`);
      expect(r.out).toContain('--config PATH');
    }
    const help = helpText(UPTRAIN_SPEC);
    for (const f of UPTRAIN_SPEC.flags) expect(help).toContain(`--${f.name}`);
  });

  it('suggests the nearest command and flag', async () => {
    expect(await run('uptrian')).toMatchObject({
      code: 2,
      err: expect.stringContaining("did you mean 'uptrain'?"),
    });
    const r = await run('uptrain', '--epoch', '3');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'gqa-lab uptrain: unknown flag --epoch; did you mean --epochs? (see gqa-lab uptrain --help)',
    );
    expect((await run('uptrain', '--kv-head=2')).err).toContain('did you mean --kv-heads?');
  });

  it('names the flag and the accepted values for bad values', async () => {
    const cases: [string[], string][] = [
      [
        ['--kv-heads', '3'],
        '--kv-heads: 3 does not divide the 8 query heads of vit_micro_patch7_28 (accepted: 1, 2, 4, 8)',
      ],
      [['--fidelity', 'exact'], "--fidelity: expected one of reference, corrected, got 'exact'"],
      [['--batch-size', '0'], "--batch-size: expected an integer in [1, 65536], got '0'"],
      [
        ['--variants', 'mha,gqa2'],
        "--variants: expected one of mha, mqa, gqa, kdgqa, dgqa-diff, dgqa-ema, pgqa, wgqa, qcqa, asymgqa, got 'gqa2'",
      ],
      [['--lr', '-1'], "--lr: expected a number in (0, 10], got '-1'"],
      [['--preset', 'vit_huge'], '--preset: expected one of vit_tiny_patch16_224'],
      [['--epochs'], '--epochs needs a value (N)'],
    ];
    for (const [argv, message] of cases) {
      const r = await run('uptrain', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain(message);
    }
  });

  it('rejects an unknown --device with the accepted names, exit 2', async () => {
    expect(await run('eval', '--device=webgp')).toEqual({
      code: 2,
      out: '',
      err: "gqa-lab: --device: expected one of cpu, cpu-js, cpu-wasm, reference, webgpu, headlessgl, got 'webgp'; did you mean 'webgpu'?",
    });
    expect((await run('train', '--device')).err).toContain(
      '--device needs a value (cpu|cpu-js|cpu-wasm|reference|',
    );
    expect((await run('--help')).out).toContain('--device NAME');
  });

  it('reports missing paths by flag', async () => {
    const r = await run('uptrain', '--data', join(dir, 'nope'));
    expect(r).toMatchObject({ code: 2, err: `gqa-lab uptrain: --data: ${join(dir, 'nope')} does not exist` });
    expect((await run('eval', '--model', join(dir, 'none.safetensors'))).err).toContain('--model:');
    expect((await run('eval')).err).toContain('--model PATH is required');
    expect((await run('report', '--config', join(dir, 'missing.json'))).err).toContain(
      '--config: cannot read',
    );
  });

  it('reads a JSON config file, with flags winning and unknown keys caught', async () => {
    const path = join(dir, 'cfg.json');
    await writeFile(
      path,
      JSON.stringify({ epochs: 4, kvHeads: [1, 4], variants: ['mha', 'gqa'], telemetry: false }),
    );
    const { config } = await resolveUptrainConfig(['--config', path, '--epochs', '2'], () => {});
    expect(config).toEqual({
      ...DEFAULT_UPTRAIN_CONFIG,
      epochs: 2,
      kvHeads: [1, 4],
      variants: ['mha', 'gqa'],
      telemetry: false,
    });
    await writeFile(path, JSON.stringify({ epoch: 4 }));
    expect((await run('uptrain', '--config', path)).err).toBe(
      `gqa-lab uptrain: ${path}: unknown key 'epoch'; did you mean 'epochs'?`,
    );
    await writeFile(path, '{ not json');
    expect((await run('uptrain', '--config', path)).err).toContain('is not valid JSON');
  });

  it('parses --name value, --name=value and --no-switch alike (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.boolean(), (n, flag) => {
        const a = parseArgv(UPTRAIN_SPEC, ['--epochs', String(n), flag ? '--telemetry' : '--no-telemetry']);
        const b = parseArgv(UPTRAIN_SPEC, [`--epochs=${n}`, `--telemetry=${flag}`]);
        expect(a.flags).toEqual(b.flags);
        expect(a.flags).toEqual([
          ['epochs', String(n)],
          ['telemetry', String(flag)],
        ]);
      }),
    );
  });

  it('suggests a flag one typo away (property)', () => {
    const names = UPTRAIN_SPEC.flags.map((f) => f.name).filter((n) => n.length >= 6);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.nat(), (name, at) => {
        const i = at % name.length;
        const typo = name.slice(0, i) + name.slice(i + 1);
        const hint = nearest(
          typo,
          UPTRAIN_SPEC.flags.map((f) => f.name),
        );
        expect(hint).toBeDefined();
        expect(editDistance(typo, hint ?? '')).toBe(1);
      }),
    );
  });
});

describe('convert, eval and report commands', () => {
  it('converts an MHA model file to QCQA and evaluates it', async () => {
    const mhaPath = join(dir, 'mha.safetensors');
    const config = { ...TINY_VIT, imageSize: 28, patchSize: 14, numClasses: 10 };
    await saveModelFile(mhaPath, createViT(config, new Rng(1)), null, { mean: [0.3], std: [0.35] });
    // Into folders that do not exist yet: convert makes them before any work.
    const out = join(dir, 'not-yet', 'made', 'qcqa.safetensors');
    const conv = await run(
      'convert',
      '--model',
      mhaPath,
      '--variant',
      'qcqa',
      '--kv-heads',
      '2',
      '--qcqa-generations',
      '3',
      '--out',
      out,
    );
    expect(conv.err).toBe('');
    expect(conv.code).toBe(0);
    const { meta } = await loadModelFile(out);
    expect(meta.groupSizes?.map((g) => g.reduce((a, b) => a + b, 0))).toEqual([4, 4]);
    expect(meta.normalize).toEqual({ mean: [0.3], std: [0.35] });
    const ev = await run('eval', '--model', out, '--test-limit', '40');
    expect(ev.code).toBe(0);
    expect(ev.out).toMatch(/test accuracy \d+\.\d\d%, test loss \d+\.\d{4}/);
    // --device reference: the plain-loop backend for this command only, same accuracy (float64 sums).
    const evRef = await run('eval', '--device', 'reference', '--model', out, '--test-limit', '40');
    expect(evRef.code).toBe(0);
    expect(evRef.out.match(/test accuracy \S+/)?.[0]).toBe(ev.out.match(/test accuracy \S+/)?.[0]);
    const evJs = await run('eval', '--device', 'cpu-js', '--model', out, '--test-limit', '40');
    expect(evJs.out.match(/test accuracy \S+/)?.[0]).toBe(ev.out.match(/test accuracy \S+/)?.[0]);
    expect(getBackend()).toBe(cpuBackend);
    const again = await run(
      'convert',
      '--model',
      out,
      '--variant',
      'gqa',
      '--out',
      join(dir, 'x.safetensors'),
    );
    expect(again).toMatchObject({ code: 2, err: expect.stringContaining('convert starts from MHA') });
  }, 30_000);

  it('trains a model file on a slice of the built-in data, then evaluates it to the same accuracy', async () => {
    const out = join(dir, 'train');
    const flags = [
      '--train-limit',
      '64',
      '--test-limit',
      '32',
      '--epochs',
      '1',
      '--batch-size',
      '32',
      '--out',
      out,
    ];
    const trained = await run('train', ...flags);
    expect(trained.err).toBe('');
    const accuracy = trained.out.match(/test accuracy (\d+\.\d\d)%/)?.[1];
    expect(accuracy).toBeDefined();
    const ev = await run('eval', '--model', join(out, 'model.safetensors'), '--test-limit', '32');
    expect(ev.out).toContain('mha, KV heads per layer [8, 8]; 32 test images');
    expect(ev.out).toContain(`test accuracy ${accuracy}%`);
  }, 30_000);

  it('rebuilds the report from results.json and rejects other JSON', async () => {
    const results = join(dir, 'results.json');
    await writeFile(results, JSON.stringify(fixedResults()));
    const r = await run('report', '--results', results);
    expect(r.code).toBe(0);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg ');
    expect(r.out).toContain('| kdgqa |');
    await writeFile(results, JSON.stringify({ schema: 'other' }));
    expect((await run('report', '--results', results)).err).toContain(
      `${results}: up-training results: schema: `,
    );
  });
});
