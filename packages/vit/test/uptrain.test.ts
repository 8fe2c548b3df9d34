import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '@gqa-lab/autograd';
import { headGram, weightSharingError } from '@gqa-lab/gqa';
import { fromNDArray, saveSafetensorsFile } from '@gqa-lab/nn';
import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelStats } from '../src/data/dataset';
import { runUptrain } from '../src/uptrain';
import { validateUptrainConfig } from '../src/uptrain-config';
import { limitDataset } from '../src/uptrain-data';
import { loadModelFile, saveModelFile } from '../src/uptrain-model-file';
import { CSV_HEADER, parseResults, UPTRAIN_VARIANTS, type UptrainResults } from '../src/uptrain-results';
import { convertToVariant, nearestCandidate, nearestModelChoice } from '../src/uptrain-variants';
import { createViT, type ViT } from '../src/vit';
import { TINY_VIT, tinyExperimentData, tinyUptrainConfig } from './uptrain-fixtures';

const quiet = { log: () => {}, progress: false };

function logits(model: ViT, images: NDArray): Float32Array {
  model.eval();
  return Float32Array.from(noGrad(() => model.forward(images)).data.values());
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

function batch(n: number, seed: number): NDArray {
  const rng = new Rng(seed);
  return NDArray.of(
    Float32Array.from({ length: n * 64 }, () => rng.next()),
    [n, 1, 8, 8],
  );
}

describe('runUptrain end to end (tiny model, synthetic data)', () => {
  let dir: string;
  let results: UptrainResults;
  const data = tinyExperimentData();
  const cfg = () => tinyUptrainConfig({ kvHeads: [1, 2], out: dir });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uptrain-'));
    results = await runUptrain(cfg(), { ...quiet, data, modelConfig: TINY_VIT });
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs every variant at every KV-head count with the asked-for budget', () => {
    expect(results.runs.map((r) => `${r.kvHeads}/${r.variant}`)).toEqual(
      [1, 2].flatMap((kv) => UPTRAIN_VARIANTS.map((v) => `${kv}/${v}`)),
    );
    for (const r of results.runs) {
      expect(r.history.map((e) => e.epoch)).toEqual([1]);
      expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.testAccuracy).toBeLessThanOrEqual(1);
      expect(Number.isFinite(r.testLoss)).toBe(true);
      const expectedHeads = r.variant === 'mha' ? 4 : r.variant === 'mqa' ? 1 : r.kvHeads;
      if (r.variant !== 'qcqa') expect(r.kvHeadsPerLayer).toEqual([expectedHeads, expectedHeads]);
      for (const sizes of r.groupSizes) expect(sizes.reduce((a, b) => a + b, 0)).toBe(4);
      // K and V of width 4 per KV head, float32, summed over 2 layers.
      expect(r.kvBytesPerToken).toBe(r.kvHeadsPerLayer.reduce((s, g) => s + 2 * g * 4 * 4, 0));
    }
    expect(results.pretrain.history).toHaveLength(2);
    // Converting MHA to MHA changes nothing: before fine-tuning it scores exactly the pretrained model.
    const mha = results.runs.find((r) => r.variant === 'mha');
    expect(mha?.converted).toEqual({
      testAccuracy: results.pretrain.testAccuracy,
      testLoss: results.pretrain.testLoss,
    });
  });

  it('records a per-step training curve (6 steps, one point each)', () => {
    for (const r of results.runs) {
      expect(r.steps?.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(r.steps?.every((p) => Number.isFinite(p.trainLoss))).toBe(true);
    }
  });

  it('folds WGQA into plain GQA (same parameter count) and traces only KDGQA / DGQA', () => {
    for (const kv of [1, 2]) {
      const at = (v: string) => results.runs.find((r) => r.kvHeads === kv && r.variant === v);
      expect(at('wgqa')?.params).toBe(at('gqa')?.params);
      expect(at('mha')?.params).toBeGreaterThan(at('gqa')?.params ?? Infinity);
    }
    for (const r of results.runs) {
      const traced = ['kdgqa', 'dgqa-diff', 'dgqa-ema'].includes(r.variant);
      expect(r.traces.length).toBe(traced ? 2 : 0);
      for (const t of r.traces) {
        // 96 images / batch 16 = 6 training steps, one record each.
        expect(t.steps).toEqual([0, 1, 2, 3, 4, 5]);
        for (const a of t.allocation) expect(a.reduce((x, y) => x + y, 0)).toBe(4);
        expect(t.keyNorms.every((row) => row.length === r.kvHeadsPerLayer[0])).toBe(true);
      }
    }
  });

  it('writes results.json that parses back to the same document', async () => {
    const text = await readFile(join(dir, 'results.json'), 'utf8');
    const parsed = parseResults(JSON.parse(text), 'results.json');
    expect(parsed).toEqual(JSON.parse(JSON.stringify(results)));
    expect(parsed.config).toMatchObject({ kvHeads: [1, 2], epochs: 1 });
  });

  it('writes a CSV with the documented header and one row per run', async () => {
    const lines = (await readFile(join(dir, 'results.csv'), 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(1 + results.runs.length);
    lines.slice(1).forEach((line, i) => {
      const cells = line.split(',');
      expect(cells).toHaveLength(CSV_HEADER.length);
      expect(cells[0]).toBe(results.runs[i].variant);
      expect(Number(cells[4])).toBe(results.runs[i].converted.testAccuracy);
      expect(Number(cells[5])).toBe(results.runs[i].testAccuracy);
    });
  });

  it('writes one self-contained HTML report with a chart per section and every variant named', async () => {
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    // 2 accuracy bar charts + 2 per-step loss curves (one epoch: no per-epoch chart) + accuracy vs KV heads
    // + accuracy vs KV bytes + 2 x 3 traced variants x 2 heatmaps.
    expect(html.match(/<svg /g)).toHaveLength(2 + 2 + 1 + 1 + 12);
    expect(html.match(/<\/svg>/g)).toHaveLength(18);
    for (const v of UPTRAIN_VARIANTS) expect(html).toContain(`>${v}<`);
    expect(html).not.toMatch(/https?:|<script|<link|@import|url\(|src=/i);
    const summary = await readFile(join(dir, 'summary.md'), 'utf8');
    const lines = summary.split('\n');
    expect(lines[0]).toBe(
      'Up-training on synthetic (synthetic): 96 train / 48 test images; preset vit_micro_patch7_28.',
    );
    expect(lines).toContain(
      '| variant | KV heads | after conversion | test accuracy | Δ vs GQA | test loss | params | KV bytes/token | train time (s) |',
    );
    // MHA and MQA once (their KV heads do not depend on the asked count), the others at 1 and 2.
    expect(lines.filter((l) => l.startsWith('| mha | 4 |'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('| kdgqa |'))).toHaveLength(2);
    // MHA, MQA, then each KV-head count in the canonical variant order.
    const variants = lines
      .filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| variant'))
      .map((l) => l.split(' | ')[0].slice(2));
    const others = UPTRAIN_VARIANTS.filter((v) => v !== 'mha' && v !== 'mqa');
    expect(variants).toEqual(['mha', 'mqa', ...others, ...others]);
  });

  it('saves the pretrained MHA model, which loads back to the same function', async () => {
    const { model, meta } = await loadModelFile(join(dir, 'mha.safetensors'));
    expect(meta.config.variant.kind).toBe('mha');
    expect(meta.normalize?.mean).toHaveLength(1);
    expect(model.numParameters()).toBe(results.runs[0].params);
  });

  it('up-trains from --checkpoint: a gqa-lab model file or a timm safetensors file', async () => {
    const base = { pretrainEpochs: 0, epochs: 0, variants: ['mha' as const, 'gqa' as const], kvHeads: [2] };
    const fromFile = await runUptrain(
      tinyUptrainConfig({ ...base, checkpoint: join(dir, 'mha.safetensors'), out: dir }),
      {
        ...quiet,
        data,
        write: false,
      },
    );
    expect(fromFile.pretrain).toMatchObject({
      origin: join(dir, 'mha.safetensors'),
      testAccuracy: results.pretrain.testAccuracy,
    });
    const gqa = results.runs.find((r) => r.kvHeads === 2 && r.variant === 'gqa');
    expect(fromFile.runs[1].converted).toEqual(gqa?.converted);
    // A timm-style file: the bare state dict (fused qkv names), no gqa-lab metadata.
    const { model } = await loadModelFile(join(dir, 'mha.safetensors'));
    const timmPath = join(dir, 'timm.safetensors');
    await saveSafetensorsFile(timmPath, new Map([...model.stateDict()].map(([k, v]) => [k, fromNDArray(v)])));
    const fromTimm = await runUptrain(tinyUptrainConfig({ ...base, checkpoint: timmPath, out: dir }), {
      ...quiet,
      data,
      modelConfig: TINY_VIT,
      write: false,
    });
    // timm files carry no normalisation, so the data's own statistics are used: the same ones here.
    expect(fromTimm.pretrain.testAccuracy).toBe(results.pretrain.testAccuracy);
  });

  it('is deterministic: the same config gives the same numbers', async () => {
    const small = tinyUptrainConfig({ variants: ['gqa', 'dgqa-ema', 'pgqa'], kvHeads: [2], out: dir });
    const strip = (r: UptrainResults) => r.runs.map(({ trainSeconds: _, ...rest }) => rest);
    const a = await runUptrain(small, { ...quiet, data, modelConfig: TINY_VIT, write: false });
    const b = await runUptrain(small, { ...quiet, data, modelConfig: TINY_VIT, write: false });
    expect(strip(a)).toEqual(strip(b));
    const same = results.runs.find((r) => r.kvHeads === 2 && r.variant === 'gqa');
    expect(a.runs[0].testAccuracy).toBe(same?.testAccuracy);
    // The published behaviour (random fix-ups, noise at eval) is reproducible too: it draws from the seeded generator.
    const ref = {
      ...small,
      fidelity: 'reference' as const,
      variants: ['kdgqa' as const, 'dgqa-diff' as const, 'pgqa' as const],
    };
    const c = await runUptrain(ref, { ...quiet, data, modelConfig: TINY_VIT, write: false });
    const d = await runUptrain(ref, { ...quiet, data, modelConfig: TINY_VIT, write: false });
    expect(strip(c)).toEqual(strip(d));
  }, 30_000);
});

describe('conversions', () => {
  const mha = createViT(TINY_VIT, new Rng(3));
  const spec = { fidelity: 'corrected' as const, window: 2, seed: 1, qcqaGenerations: 5 };

  it('GQA / WGQA / QCQA at G = H and MHA compute the MHA function exactly (property over inputs)', () => {
    const models = (['mha', 'gqa', 'wgqa', 'qcqa'] as const).map(
      (variant) => convertToVariant(mha, { ...spec, variant, kvHeads: 4 }).model,
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.nat(), (n, seed) => {
        const x = batch(n, seed);
        const ref = logits(mha, x);
        for (const m of models) expect(maxAbsDiff(logits(m, x), ref)).toBeLessThan(1e-5);
      }),
      { numRuns: 10 },
    );
  });

  it('WGQA at its initial weights computes the mean-pooled GQA function', () => {
    const gqa = convertToVariant(mha, { ...spec, variant: 'gqa', kvHeads: 2 }).model;
    const wgqa = convertToVariant(mha, { ...spec, variant: 'wgqa', kvHeads: 2 }).model;
    const x = batch(3, 9);
    expect(maxAbsDiff(logits(wgqa, x), logits(gqa, x))).toBeLessThan(1e-5);
  });

  it('AsymGQA needs calibration keys and names the layer count', () => {
    expect(() => convertToVariant(mha, { ...spec, variant: 'asymgqa', kvHeads: 2 })).toThrow(
      /calibration keys for each of the 2 layers/,
    );
  });

  it('QCQA / AsymGQA model files keep unequal groups and reload to the same function', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uptrain-file-'));
    try {
      const { model, groupSizes } = convertToVariant(mha, { ...spec, variant: 'qcqa', kvHeads: 3 });
      expect(groupSizes.every((g) => g.length === 3 && g.reduce((a, b) => a + b, 0) === 4)).toBe(true);
      const path = join(dir, 'qcqa.safetensors');
      await saveModelFile(path, model, groupSizes, null);
      const loaded = await loadModelFile(path);
      const x = batch(2, 4);
      expect(maxAbsDiff(logits(loaded.model, x), logits(model, x))).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("QCQA's across-layer stage spends depth·G KV heads in all, with no more sharing error than the per-layer pick", () => {
    const layers = mha.attentionLayers().map((a) => headGram(a.k.weight.data, a.v.weight.data, a.numHeads));
    const errorOf = (assignments: Int32Array[] | null) =>
      (assignments ?? []).reduce((sum, a, l) => sum + weightSharingError(layers[l], a), 0);
    for (const kvHeads of [1, 2, 3]) {
      const perLayer = convertToVariant(mha, { ...spec, variant: 'qcqa', kvHeads });
      const model = convertToVariant(mha, { ...spec, variant: 'qcqa', kvHeads, qcqaStage: 'model' });
      const total = (g: number[][]) => g.reduce((n, sizes) => n + sizes.length, 0);
      expect(total(model.groupSizes)).toBe(total(perLayer.groupSizes));
      // Exact dynamic programming over the per-layer fronts: at an equal total it is at least as good.
      expect(errorOf(model.assignments)).toBeLessThanOrEqual(errorOf(perLayer.assignments) + 1e-12);
    }
  });

  it('nearestModelChoice picks the closest total, fewer KV heads on ties', () => {
    const choice = (totalGroups: number, error: number) => ({
      choice: new Int32Array(0),
      assignments: [],
      totalGroups,
      kvCache: 0,
      error,
    });
    expect(nearestModelChoice([choice(2, 5), choice(6, 1), choice(4, 3)], 5).totalGroups).toBe(4);
    expect(nearestModelChoice([choice(4, 3), choice(4, 2)], 4).error).toBe(2);
    expect(() => nearestModelChoice([], 4)).toThrow('nearestModelChoice: empty across-layer front');
  });

  it('nearestCandidate picks the closest group count, fewer groups on ties (property)', () => {
    const candidate = fc.record({
      numGroups: fc.integer({ min: 1, max: 8 }),
      error: fc.double({ min: 0, max: 10, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(candidate, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (cands, g) => {
          const front = cands.map((c) => ({ ...c, assignment: new Int32Array(8), kvCache: c.numGroups / 8 }));
          const pick = nearestCandidate(front, g);
          const best = Math.min(...front.map((c) => Math.abs(c.numGroups - g)));
          expect(Math.abs(pick.numGroups - g)).toBe(best);
          const tied = front.filter((c) => Math.abs(c.numGroups - g) === best);
          expect(pick.numGroups).toBe(Math.min(...tied.map((c) => c.numGroups)));
        },
      ),
    );
  });
});

describe('data selection and config validation', () => {
  it('limitDataset takes the same seeded subset whatever the caller (property)', () => {
    const { train } = tinyExperimentData(40, 8);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (limit) => {
        const a = limitDataset(train, limit);
        const b = limitDataset(train, limit);
        expect(a.n).toBe(Math.min(limit, 40));
        expect(a.labels).toEqual(b.labels);
        expect(channelStats(a)).toEqual(channelStats(b));
      }),
    );
  });

  it('names the flag and the accepted values', () => {
    expect(() => validateUptrainConfig(tinyUptrainConfig({ kvHeads: [3] }))).toThrow(
      '--kv-heads: 3 does not divide the 8 query heads of vit_micro_patch7_28 (accepted: 1, 2, 4, 8)',
    );
    expect(() => validateUptrainConfig(tinyUptrainConfig({ pretrainEpochs: 0 }))).toThrow(
      /--pretrain-epochs: is 0 and no --checkpoint/,
    );
    expect(() => validateUptrainConfig(tinyUptrainConfig({ seeds: [1, 1] }))).toThrow(
      '--seeds: lists a seed twice',
    );
    expect(() => validateUptrainConfig(tinyUptrainConfig({ batchSize: 0 }))).toThrow(
      '--batch-size: expected an integer in [1, 65536], got 0',
    );
  });
});
