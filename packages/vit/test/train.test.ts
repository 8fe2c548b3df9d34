import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '@gqa-lab/nn';
import { NDArray, Rng } from '@gqa-lab/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate } from '../src/evaluate';
import { train } from '../src/train';
import { NonFiniteLossError, type StepInfo } from '../src/train-config';
import { tinyData, tinyModel } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'vit-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { batchSize: 16, weightDecay: 0, seed: 0, quiet: true };

describe('train', () => {
  it('a ViT overfits 16 images: loss near zero, every training image right', async () => {
    const data = tinyData(16);
    const model = tinyModel({ kind: 'gqa' }, 2, 0);
    const t0 = performance.now();
    const result = await train(
      model,
      { train: data, test: data },
      { ...base, epochs: 150, lr: 5e-3, warmupSteps: 5, minLr: 5e-4 },
    );
    const wall = (performance.now() - t0) / 1000;
    expect(wall).toBeLessThan(20);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.seconds).toBeLessThanOrEqual(wall);
    const last = result.history.at(-1);
    expect(result.history.length).toBe(150);
    expect(result.steps).toBe(150);
    expect(last?.trainLoss).toBeLessThan(0.05);
    expect(result.history[0].trainLoss).toBeGreaterThan(1);
    const after = evaluate(model, data, { batchSize: 8 });
    expect(after.accuracy).toBe(1);
    expect(after.loss).toBeLessThan(0.05);
    expect(result.best.testLoss).toBe(Math.min(...result.history.map((h) => h.testLoss)));
    expect(result.peakRssMB).toBeGreaterThan(10);
  });

  it('the same seed gives the same loss curve bit for bit; another data seed does not', async () => {
    const data = { train: tinyData(48), test: tinyData(16, 2) };
    const run = async (seed: number) => {
      const losses: number[] = [];
      const model = tinyModel({ kind: 'pgqa' }, 2, 0, { dropout: 0.1, attnDropout: 0.1 });
      const r = await train(
        model,
        data,
        { ...base, seed, epochs: 2, lr: 1e-3, clipNorm: 1, labelSmoothing: 0.1 },
        {
          onStep: (s) => losses.push(s.loss),
        },
      );
      return {
        losses,
        test: r.history.map((h) => h.testLoss),
        head: model.stateDict().get('head.weight')?.values(),
      };
    };
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    expect(a.losses).toHaveLength(6);
    expect(b).toEqual(a);
    expect(c.losses).not.toEqual(a.losses);
  });

  it('warmup + cosine: the lr rises linearly, peaks, and decays to minLr at the last step', async () => {
    const lrs: number[] = [];
    const data = tinyData(32);
    await train(
      tinyModel(),
      { train: data, test: data },
      { ...base, epochs: 5, lr: 1e-3, warmupSteps: 4, minLr: 1e-5 },
      {
        onStep: (s) => lrs.push(s.lr),
      },
    );
    expect(lrs.slice(0, 5)).toEqual([0, 2.5e-4, 5e-4, 7.5e-4, 1e-3]);
    for (let i = 5; i < lrs.length; i++) expect(lrs[i]).toBeLessThan(lrs[i - 1]);
    expect(lrs.at(-1)).toBeGreaterThan(1e-5);
  });

  it.each([
    // poisoned after step 4, a save step: the save refuses; after step 5: the forward of step 6 is NaN
    { poisonAt: 4, lastGood: 3, message: /a parameter is NaN at step 4 \(epoch 2\); stopped without saving/ },
    { poisonAt: 5, lastGood: 4, message: /loss is NaN at step 6 \(epoch 2\); stopped without saving/ },
  ])(
    'the NaN guard stops (weights poisoned after step $poisonAt) and keeps the last good checkpoint',
    async ({ poisonAt, lastGood, message }) => {
      const out = join(dir, `nan-${poisonAt}`);
      const data = tinyData(48); // 3 batches per epoch
      const model = tinyModel({ kind: 'gqa' }, 2, 0);
      let goodBytes: Buffer | null = null;
      const onStep = (s: StepInfo) => {
        if (s.step !== poisonAt) return;
        goodBytes = readFileSync(join(out, 'last.safetensors')); // saved after step 3 (epoch end) or 4 (checkpointEvery)
        model.head.weight.data = NDArray.of(
          new Float32Array(model.head.weight.size).fill(Number.NaN),
          model.head.weight.shape,
        );
      };
      const run = train(
        model,
        { train: data, test: data },
        { ...base, epochs: 3, lr: 1e-3, outDir: out, checkpointEvery: 2 },
        { onStep },
      );
      await expect(run).rejects.toThrow(NonFiniteLossError);
      await expect(run).rejects.toThrow(message);
      await expect(run).rejects.toThrow(/The last good checkpoint is .*last\.safetensors/);
      expect(goodBytes).not.toBeNull();
      expect(readFileSync(join(out, 'last.safetensors')).equals(goodBytes ?? Buffer.alloc(0))).toBe(true);
      const fresh = tinyModel({ kind: 'gqa' }, 2, 9);
      expect((await loadCheckpoint(join(out, 'last.safetensors'), { model: fresh })).step).toBe(lastGood);
      expect(Array.from(fresh.head.weight.data.values()).every(Number.isFinite)).toBe(true);
    },
  );

  it('the NaN guard says when no checkpoint exists yet', async () => {
    const data = tinyData(16);
    const model = tinyModel();
    model.head.bias?.data.values().fill(Number.POSITIVE_INFINITY);
    await expect(train(model, { train: data, test: data }, { ...base, epochs: 1, lr: 1e-3 })).rejects.toThrow(
      /loss is NaN at step 1 \(epoch 1\).*No checkpoint had been written yet/,
    );
  });

  it('writes metrics.csv / metrics.jsonl per epoch and best.safetensors at the lowest test loss', async () => {
    const out = join(dir, 'metrics');
    const data = { train: tinyData(32), test: tinyData(16, 3) };
    const r = await train(tinyModel(), data, { ...base, epochs: 3, lr: 1e-3, outDir: out, logEvery: 1 });
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(
      'epoch,step,trainLoss,trainAccuracy,testLoss,testAccuracy,lr,imagesPerSecond,seconds',
    );
    expect(csv).toHaveLength(4);
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toEqual(r.history);
    expect(csv[2].split(',').map(Number)).toEqual([
      2,
      4,
      r.history[1].trainLoss,
      r.history[1].trainAccuracy,
      r.history[1].testLoss,
      r.history[1].testAccuracy,
      r.history[1].lr,
      r.history[1].imagesPerSecond,
      r.history[1].seconds,
    ]);
    expect(readFileSync(join(out, 'steps.jsonl'), 'utf8').trim().split('\n')).toHaveLength(6);
    const best = await loadCheckpoint(join(out, 'best.safetensors'), { model: tinyModel() });
    expect(best.step).toBe(2 * r.best.epoch);
  });

  it('refuses a batch size larger than the training set, naming both', async () => {
    const data = tinyData(8);
    await expect(
      train(tinyModel(), { train: data, test: data }, { ...base, epochs: 1, lr: 1e-3 }),
    ).rejects.toThrow(/batchSize 16 is larger than the training set \(8 images\)/);
  });
});

describe('evaluate', () => {
  it('restores the training mode and does not depend on the batch size', () => {
    const model = tinyModel({ kind: 'gqa' }, 2, 1, { dropout: 0.3 });
    const data = tinyData(20);
    const a = evaluate(model, data, { batchSize: 3 });
    const b = evaluate(model, data, { batchSize: 20 });
    expect(model.training).toBe(true);
    expect(a.accuracy).toBe(b.accuracy);
    expect(a.loss).toBeCloseTo(b.loss, 5);
  });
});

void Rng;
