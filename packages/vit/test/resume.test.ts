import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { VariantConfig } from '../src/config';
import { train } from '../src/train';
import type { TrainConfig } from '../src/train-config';
import { tinyData, tinyModel } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'vit-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = { train: tinyData(48), test: tinyData(16, 2) }; // 3 batches of 16 per epoch
const N = 8; // 2 whole epochs and 2 steps of the third
const cfg: TrainConfig = {
  epochs: 3,
  batchSize: 16,
  lr: 2e-3,
  weightDecay: 0.05,
  warmupSteps: 2,
  minLr: 1e-4,
  clipNorm: 1,
  labelSmoothing: 0.1,
  seed: 11,
  quiet: true,
  logEvery: 1,
};
// Dropout and the policies' own state (DGQA's cache / allocation, PGQA's noise) all have to survive the save.
const model = (variant: VariantConfig) => tinyModel(variant, 2, 5, { dropout: 0.1, attnDropout: 0.1 });

let runId = 0;
async function straight(variant: VariantConfig) {
  const out = join(root, `straight-${runId++}`);
  const losses: number[] = [];
  const m = model(variant);
  const result = await train(
    m,
    data,
    { ...cfg, outDir: out, maxSteps: N },
    { onStep: (s) => losses.push(s.loss) },
  );
  return { losses, state: m.stateDict(), result, out };
}

async function interrupted(variant: VariantConfig, k: number) {
  const out = join(root, `resumed-${runId++}`);
  const losses: number[] = [];
  const onStep = { onStep: (s: { loss: number }) => losses.push(s.loss) };
  await train(model(variant), data, { ...cfg, outDir: out, maxSteps: k }, onStep);
  const fresh = model(variant); // new objects: nothing carries over but the files
  const result = await train(fresh, data, { ...cfg, outDir: out, maxSteps: N, resume: true }, onStep);
  return { losses, state: fresh.stateDict(), result, out };
}

const bits = (a: ArrayLike<number>) => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('resume', () => {
  it.each<VariantConfig>([
    { kind: 'dgqa-ema', window: 2, fidelity: 'corrected' },
    { kind: 'dgqa-diff', window: 2, fidelity: 'reference' }, // splits and the random fix-up's RNG are restored
    { kind: 'pgqa', fidelity: 'corrected' },
    { kind: 'pgqa', fidelity: 'reference' }, // draws noise in eval mode too: evaluating must not move the RNG
    { kind: 'wgqa', fidelity: 'corrected' },
  ])(
    'N steps straight == k steps + save + load into fresh objects + N - k steps, bit for bit ($kind $fidelity)',
    async (variant) => {
      const a = await straight(variant);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: N - 1 }), async (k) => {
          const b = await interrupted(variant, k);
          expect(b.losses).toEqual(a.losses);
          expect([...b.state.keys()]).toEqual([...a.state.keys()]);
          for (const [key, v] of a.state)
            expect(bits(b.state.get(key)?.values() ?? []), key).toEqual(bits(v.values()));
          const strip = (h: typeof a.result.history) =>
            h.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest);
          expect(strip(b.result.history)).toEqual(strip(a.result.history));
          expect(b.result.best).toEqual(a.result.best);
        }),
        { numRuns: 2, examples: [[3], [N - 1]] }, // always an epoch boundary and a cut after the last whole epoch
      );
    },
  );

  it('metrics files append on resume: the same rows as an uninterrupted run, the cut epoch replaced', async () => {
    const variant: VariantConfig = { kind: 'gqa' };
    const a = await straight(variant);
    const b = await interrupted(variant, 4); // cut in epoch 2: its partial row is dropped, then rewritten whole
    const rows = (out: string, file: string) =>
      readFileSync(join(out, file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const strip = (r: Record<string, unknown>) => ({ ...r, seconds: 0, imagesPerSecond: 0 });
    expect(rows(b.out, 'metrics.jsonl').map(strip)).toEqual(rows(a.out, 'metrics.jsonl').map(strip));
    expect(rows(b.out, 'steps.jsonl')).toEqual(rows(a.out, 'steps.jsonl'));
    expect(rows(b.out, 'steps.jsonl').map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const csv = (out: string) => readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv(b.out)).toHaveLength(csv(a.out).length);
    expect(csv(b.out).filter((l) => l.startsWith('epoch,'))).toHaveLength(1);
    expect(csv(b.out).map((l) => l.split(',').slice(0, 6))).toEqual(
      csv(a.out).map((l) => l.split(',').slice(0, 6)),
    );
  });

  it('refuses to resume a run with another batch size or seed, naming the fields', async () => {
    const out = join(root, 'mismatch');
    await train(model({ kind: 'gqa' }), data, { ...cfg, outDir: out, maxSteps: 2 });
    await expect(
      train(model({ kind: 'gqa' }), data, { ...cfg, outDir: out, resume: true, batchSize: 8, seed: 12 }),
    ).rejects.toThrow(
      /cannot resume from .*last\.safetensors.*batchSize: checkpoint 16, now 8 \(cannot change on resume\); seed: checkpoint 11, now 12/,
    );
    await expect(train(model({ kind: 'gqa' }), data, { ...cfg, resume: true })).rejects.toThrow(
      /resume: true needs outDir/,
    );
  });
});
