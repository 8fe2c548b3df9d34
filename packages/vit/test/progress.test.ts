import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelemetryRecorder } from '@gqa-lab/gqa';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MetricsLog } from '../src/metrics-log';
import { formatDuration, Progress, type ProgressState } from '../src/progress';
import { train } from '../src/train';
import { tinyData, tinyModel } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'vit-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const state = (batch: number): ProgressState => ({
  epoch: 1,
  epochs: 2,
  batch,
  batches: 25,
  loss: 0.5,
  accuracy: 0.875,
  imagesPerSecond: 1234.4,
  etaSeconds: 75,
});

describe('Progress', () => {
  it('plain streams get one line every `every` steps and at the end of the epoch', () => {
    const out: string[] = [];
    const p = new Progress({ every: 10, stream: { write: (t: string) => out.push(t) } });
    for (let b = 1; b <= 25; b++) p.update(state(b));
    expect(out).toEqual(
      [10, 20, 25].map((b) => `epoch 1/2 ${b}/25 loss 0.5000 acc 87.5% 1234 img/s eta 1:15\n`),
    );
  });

  it('terminals get one line rewritten in place with a bar; line() ends it first', () => {
    const out: string[] = [];
    const p = new Progress({ stream: { write: (t: string) => out.push(t), isTTY: true } });
    p.update(state(5));
    p.line('done');
    expect(out[0]).toBe(
      '\repoch 1/2 [####................] 5/25 loss 0.5000 acc 87.5% 1234 img/s eta 1:15\x1b[K',
    );
    expect(out.slice(1)).toEqual(['\n', 'done\n']);
  });

  it('formatDuration writes m:ss or h:mm:ss and round-trips whole seconds', () => {
    fc.assert(
      fc.property(fc.nat(100 * 3600), (s) => {
        const parts = formatDuration(s).split(':').map(Number);
        const back = parts.reduce((acc, p) => acc * 60 + p, 0);
        expect(back).toBe(s);
        expect(parts.slice(1).every((p) => p < 60)).toBe(true);
      }),
    );
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});

describe('MetricsLog on resume', () => {
  it('drops rows after the checkpoint and a line torn by a crash, then appends', () => {
    const out = join(dir, 'torn');
    const log = new MetricsLog(out);
    const row = (epoch: number) => ({
      epoch,
      step: 3 * epoch,
      trainLoss: 1,
      trainAccuracy: 0.5,
      testLoss: 1,
      testAccuracy: 0.5,
      lr: 0.1,
      imagesPerSecond: 10,
      seconds: 1,
    });
    for (const e of [1, 2, 3]) log.appendEpoch(row(e));
    for (let s = 1; s <= 9; s++)
      log.appendStep({ epoch: Math.ceil(s / 3), step: s, loss: s, accuracy: 0, lr: 0 });
    writeFileSync(log.jsonlPath, `${readFileSync(log.jsonlPath, 'utf8')}{"epoch": 4, "ste`);
    const resumed = new MetricsLog(out, { epoch: 3, step: 7 }); // resuming epoch 3 after step 7
    resumed.appendEpoch(row(3));
    const jsonl = readFileSync(resumed.jsonlPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).epoch);
    expect(jsonl).toEqual([1, 2, 3]);
    expect(
      readFileSync(resumed.csvPath, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(',')[0]),
    ).toEqual(['epoch', '1', '2', '3']);
    const steps = readFileSync(resumed.stepsPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('the step given to attention', () => {
  it.each([
    { mode: 'global' as const, expected: [0, 1, 2, 3, 4, 5] },
    { mode: 'batchInEpoch' as const, expected: [0, 1, 2, 0, 1, 2] },
  ])('$mode', async ({ mode, expected }) => {
    const model = tinyModel({ kind: 'dgqa-diff', window: 2 }, 2);
    const recorder = new TelemetryRecorder();
    model.attentionLayers()[0].telemetry = { recorder, layer: 'blocks.0.attn' };
    const data = tinyData(48);
    await train(
      model,
      { train: data, test: tinyData(4) },
      { epochs: 2, batchSize: 16, lr: 1e-3, weightDecay: 0, seed: 0, quiet: true, attentionStep: mode },
    );
    const trainingSteps = recorder.records.filter((r) => r.training).map((r) => r.step);
    expect(trainingSteps).toEqual(expected);
  });
});
