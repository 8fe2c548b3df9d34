// Resume checks what it resumes (issue 17, cases 4 and 5; issue 15's --epochs raise): every setting is in
// the fingerprint, changes are refused naming old and new values unless allowed, tampered loop state is a
// FileFormatError naming the key, and a NaN test loss stops the run leaving a resumable checkpoint.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFormatError, parseSafetensors, serializeSafetensors } from '@gqa-lab/nn';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonMutationArb, mutateJson } from '../../../testing/json-mutations';
import type { VariantConfig } from '../src/config';
import { train } from '../src/train';
import { NonFiniteLossError, type TrainConfig } from '../src/train-config';
import { ResumeMismatchError } from '../src/train-state';
import { tinyData, tinyModel } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'vit-resume-untrusted-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = { train: tinyData(32), test: tinyData(16, 2) }; // 2 batches of 16 per epoch
const cfg: TrainConfig = {
  epochs: 2,
  batchSize: 16,
  lr: 2e-3,
  weightDecay: 0.05,
  warmupSteps: 1,
  seed: 3,
  quiet: true,
};
const model = (variant: VariantConfig = { kind: 'gqa' }) => tinyModel(variant, 2, 5);

let runs = 0;
/** A run cut after `steps` steps; returns its folder. */
async function cutRun(
  steps: number,
  extra: Partial<TrainConfig> = {},
  variant?: VariantConfig,
): Promise<string> {
  const out = join(root, `run-${runs++}`);
  await train(model(variant), data, { ...cfg, ...extra, outDir: out, maxSteps: steps });
  return out;
}

/** Rewrites the checkpoint's loop state (`extra`) with `edit`. */
function tamper(out: string, edit: (meta: { extra: Record<string, unknown> }) => unknown): void {
  const path = join(out, 'last.safetensors');
  const { tensors, metadata } = parseSafetensors(new Uint8Array(readFileSync(path)));
  const meta = JSON.parse(metadata['gqa-lab.checkpoint'] ?? '{}');
  const edited = edit(meta) ?? meta;
  writeFileSync(
    path,
    serializeSafetensors(tensors, { ...metadata, 'gqa-lab.checkpoint': JSON.stringify(edited) }),
  );
}

describe('resume compares every setting', () => {
  const changes: [string, Partial<TrainConfig>, string][] = [
    ['lr', { lr: 1e-2 }, 'lr: checkpoint 0.002, now 0.01'],
    ['weightDecay', { weightDecay: 0.1 }, 'weightDecay: checkpoint 0.05, now 0.1'],
    ['warmupSteps', { warmupSteps: 5 }, 'warmupSteps: checkpoint 1, now 5'],
    ['labelSmoothing', { labelSmoothing: 0.1 }, 'labelSmoothing: checkpoint 0, now 0.1'],
    ['epochs lowered', { epochs: 1, maxSteps: undefined }, 'epochs: checkpoint 2, now 1'],
  ];
  it.each(changes)('a changed %s is refused naming old and new values', async (_, change, message) => {
    const out = await cutRun(1);
    const error = await train(model(), data, { ...cfg, ...change, outDir: out, resume: true }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ResumeMismatchError);
    expect(String(error)).toContain(message);
    expect(String(error)).toContain('--allow-change');
  });

  it('a changed fidelity is refused, and accepted when allowed', async () => {
    const out = await cutRun(1, {}, { kind: 'kdgqa', fidelity: 'reference' });
    const resume = { ...cfg, outDir: out, resume: true };
    await expect(train(model({ kind: 'kdgqa', fidelity: 'corrected' }), data, resume)).rejects.toThrow(
      'fidelity: checkpoint "reference", now "corrected"',
    );
    const r = await train(model({ kind: 'kdgqa', fidelity: 'corrected' }), data, {
      ...resume,
      allowChange: ['fidelity'],
    });
    expect(r.steps).toBe(4);
  });

  it('an allowed lr / weight decay change resumes and takes effect', async () => {
    const out = await cutRun(1);
    const lrs: number[] = [];
    const r = await train(
      model(),
      data,
      { ...cfg, lr: 1e-2, weightDecay: 0.1, outDir: out, resume: true, allowChange: ['lr', 'weightDecay'] },
      { onStep: (s) => lrs.push(s.lr) },
    );
    expect(r.steps).toBe(4);
    expect(lrs[0]).toBeGreaterThan(2e-3); // the new peak's schedule
  });

  it('raising --epochs extends a finished run without any flag', async () => {
    const out = join(root, 'extend');
    await train(model(), data, { ...cfg, epochs: 1, outDir: out });
    const r = await train(model(), data, { ...cfg, epochs: 2, outDir: out, resume: true });
    expect(r.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(r.steps).toBe(4);
  });
});

describe('tampered loop state is refused naming the key', () => {
  const cases: [string, (m: { extra: Record<string, unknown> }) => unknown, string][] = [
    ['batch 1e9', (m) => Reflect.set(m.extra, 'batch', 1e9), 'extra.batch'],
    ['epoch 0.5', (m) => Reflect.set(m.extra, 'epoch', 0.5), 'extra.epoch'],
    ['step off by one', (m) => Reflect.set(m.extra, 'step', 2), 'extra.step'],
    ['seen negative', (m) => Reflect.set(m.extra, 'seen', -16), 'extra.seen'],
    ['history not an array', (m) => Reflect.set(m.extra, 'history', 5), 'extra.history'],
    ['fingerprint missing', (m) => Reflect.deleteProperty(m.extra, 'fingerprint'), 'extra.fingerprint'],
    ['rng.s []', (m) => Reflect.set(m, 'rng', { s: [], spare: null }), 'rng.s[0]'],
    ['rng.spare "x"', (m) => Reflect.set(m, 'rng', { s: [1, 2, 3, 4], spare: 'x' }), 'rng.spare'],
  ];
  it.each(cases)('%s', async (_, edit, keyPath) => {
    const out = await cutRun(1);
    tamper(out, (m) => {
      edit(m);
    });
    const error = await train(model(), data, { ...cfg, outDir: out, resume: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    if (error instanceof FileFormatError) expect(error.keyPath).toBe(keyPath);
    expect(String(error)).toContain(join(out, 'last.safetensors'));
  });

  it('fuzz: mutated loop state resumes, or fails with a typed error, never anything else', async () => {
    const out = await cutRun(1);
    const path = join(out, 'last.safetensors');
    const good = readFileSync(path);
    const extra = JSON.parse(
      parseSafetensors(new Uint8Array(good)).metadata['gqa-lab.checkpoint'] ?? '{}',
    ).extra;
    await fc.assert(
      fc.asyncProperty(jsonMutationArb, async (mutation) => {
        writeFileSync(path, good);
        tamper(out, (m) => ({ ...m, extra: mutateJson(extra, mutation) }));
        const e = await train(model(), data, { ...cfg, outDir: out, resume: true, maxSteps: 2 }).then(
          () => null,
          (err: unknown) => err,
        );
        if (e !== null && !(e instanceof FileFormatError) && !(e instanceof ResumeMismatchError)) throw e;
      }),
      { numRuns: 60, timeout: 10_000 },
    );
  });
});

describe('a non-finite test loss stops the run', () => {
  it('like a non-finite training loss, leaving the last good checkpoint resumable', async () => {
    const out = join(root, 'nan-test');
    await train(model(), data, { ...cfg, epochs: 1, outDir: out });
    const bad = tinyData(16, 2);
    bad.images[0] = Number.NaN; // one NaN test pixel
    const error = await train(
      model(),
      { train: data.train, test: bad },
      { ...cfg, outDir: out, resume: true },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(String(error)).toContain('test loss is NaN');
    expect(String(error)).toContain('last.safetensors');
    const r = await train(model(), data, { ...cfg, outDir: out, resume: true });
    expect(r.history.map((h) => h.epoch)).toEqual([1, 2]);
  });
});
