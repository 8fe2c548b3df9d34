import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '@gqa-lab/autograd';
import { fromNDArray, type SafeTensor, type StateDict, saveSafetensorsFile } from '@gqa-lab/nn';
import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type ViTConfig, withVariant } from '../src/config';
import { loadTimmStateDict, timmKeyNames } from '../src/timm';
import { loadTimmCheckpoint } from '../src/timm-file';
import { createViT } from '../src/vit';
import { tinyConfig } from './helpers';

/** A timm-layout MHA state dict with random values: fused qkv (3C, C), every key timm writes. */
function timmStateDict(cfg: ViTConfig, seed: number): StateDict {
  const rng = new Rng(seed);
  const C = cfg.dim;
  const n = (cfg.imageSize / cfg.patchSize) ** 2;
  const hidden = C * cfg.mlpRatio;
  const shapes: Record<string, number[]> = {
    cls_token: [1, 1, C],
    pos_embed: [1, n + 1, C],
    'patch_embed.proj.weight': [C, cfg.inChannels, cfg.patchSize, cfg.patchSize],
    'patch_embed.proj.bias': [C],
    'norm.weight': [C],
    'norm.bias': [C],
    'head.weight': [cfg.numClasses, C],
    'head.bias': [cfg.numClasses],
  };
  for (let i = 0; i < cfg.depth; i++) {
    const b = `blocks.${i}`;
    Object.assign(shapes, {
      [`${b}.norm1.weight`]: [C],
      [`${b}.norm1.bias`]: [C],
      [`${b}.attn.qkv.weight`]: [3 * C, C],
      [`${b}.attn.qkv.bias`]: [3 * C],
      [`${b}.attn.proj.weight`]: [C, C],
      [`${b}.attn.proj.bias`]: [C],
      [`${b}.norm2.weight`]: [C],
      [`${b}.norm2.bias`]: [C],
      [`${b}.mlp.fc1.weight`]: [hidden, C],
      [`${b}.mlp.fc1.bias`]: [hidden],
      [`${b}.mlp.fc2.weight`]: [C, hidden],
      [`${b}.mlp.fc2.bias`]: [C],
    });
  }
  const sd: StateDict = new Map();
  for (const key of timmKeyNames(cfg)) {
    const shape = shapes[key];
    const size = shape.reduce((a, b) => a * b, 1);
    sd.set(
      key,
      NDArray.of(
        Float32Array.from({ length: size }, () => rng.normal(0, 0.3)),
        shape,
      ),
    );
  }
  return sd;
}

const H = 4;
const d = 4;
const C = 16;

/** Mean of the K (part 1) or V (part 2) rows of heads [g·n, (g+1)·n) of a fused (3C, C) qkv weight. */
function pooledRows(qkv: NDArray, part: 1 | 2, g: number, n: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let h = g * n; h < (g + 1) * n; h++) s += qkv.get(part * C + h * d + r, c);
      out.push(s / n);
    }
  }
  return out;
}

describe('loading timm state dicts', () => {
  it('an MHA ViT takes a timm MHA state dict exactly (every key, every value)', () => {
    const cfg = tinyConfig();
    const sd = timmStateDict(cfg, 1);
    const m = createViT(cfg, new Rng(0));
    const { report, fresh, convertedBlocks } = loadTimmStateDict(m, sd);
    expect(report).toEqual({ missing: [], unexpected: [], mismatched: [] });
    expect(fresh).toEqual([]);
    expect(convertedBlocks).toEqual([]);
    const back = m.stateDict();
    for (const [k, v] of sd) expect(back.get(k)?.values(), k).toEqual(v.values());
  });

  it('a GQA ViT gets Q and proj unchanged and K / V mean-pooled over each group of heads', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 4), fc.nat(1000), (G, seed) => {
        const cfg = withVariant(tinyConfig(), { kind: G === 1 ? 'mqa' : 'gqa' }, G);
        const sd = timmStateDict(tinyConfig(), seed);
        const m = createViT(cfg, new Rng(0));
        const { report, convertedBlocks } = loadTimmStateDict(m, sd);
        expect(report.mismatched).toEqual([]);
        expect(convertedBlocks).toEqual(G === H ? [] : [0, 1]);
        const src = sd.get('blocks.1.attn.qkv.weight') ?? NDArray.of(new Float32Array(1), [1]);
        const got = m.stateDict().get('blocks.1.attn.qkv.weight') ?? src;
        expect(got.shape).toEqual([C + 2 * G * d, C]);
        const q = Array.from(got.values().subarray(0, C * C));
        expect(q).toEqual(Array.from(src.values().subarray(0, C * C)));
        const n = H / G;
        for (let g = 0; g < G; g++) {
          const k = Array.from(got.values().subarray((C + g * d) * C, (C + (g + 1) * d) * C));
          const v = Array.from(got.values().subarray((C + G * d + g * d) * C, (C + G * d + (g + 1) * d) * C));
          for (const [i, e] of pooledRows(src, 1, g, n).entries()) expect(k[i]).toBeCloseTo(e, 6);
          for (const [i, e] of pooledRows(src, 2, g, n).entries()) expect(v[i]).toBeCloseTo(e, 6);
        }
        expect(m.stateDict().get('blocks.1.attn.proj.weight')?.values()).toEqual(
          sd.get('blocks.1.attn.proj.weight')?.values(),
        );
      }),
      { numRuns: 8 },
    );
  });

  it('when the K / V heads of each group are equal, the GQA model computes what the MHA model computes', () => {
    const sd = timmStateDict(tinyConfig(), 4);
    for (let i = 0; i < 2; i++) {
      const qkv = sd.get(`blocks.${i}.attn.qkv.weight`)?.values() ?? new Float32Array();
      const bias = sd.get(`blocks.${i}.attn.qkv.bias`)?.values() ?? new Float32Array();
      for (const part of [1, 2])
        for (const h of [1, 3]) {
          // head h copies head h - 1, so groups {0, 1} and {2, 3} each hold one distinct K / V head
          qkv.copyWithin((part * C + h * d) * C, (part * C + (h - 1) * d) * C, (part * C + h * d) * C);
          bias.copyWithin(part * C + h * d, part * C + (h - 1) * d, part * C + h * d);
        }
    }
    const mha = createViT(tinyConfig(), new Rng(0));
    const gqa = createViT(withVariant(tinyConfig(), { kind: 'gqa' }, 2), new Rng(1));
    loadTimmStateDict(mha, sd);
    loadTimmStateDict(gqa, sd);
    const rng = new Rng(2);
    const x = NDArray.of(
      Float32Array.from({ length: 3 * 64 }, () => rng.uniform()),
      [3, 1, 8, 8],
    );
    const a = noGrad(() => mha.eval().forward(x).data.values());
    const b = noGrad(() => gqa.eval().forward(x).data.values());
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
  });

  it('reports mis-shaped, unexpected and missing keys, and strict loading names them', () => {
    const cfg = tinyConfig();
    const sd = timmStateDict(cfg, 2);
    sd.set('pos_embed', NDArray.of(new Float32Array(17 * C), [1, 17, C])); // a 64x64 model's positions
    sd.set('dist_token', NDArray.of(new Float32Array(C), [1, 1, C]));
    sd.delete('norm.bias');
    const m = createViT(cfg, new Rng(0));
    const before = m.stateDict().get('pos_embed')?.values().slice();
    const { report } = loadTimmStateDict(m, sd, { strict: false });
    expect(report.mismatched).toEqual([{ key: 'pos_embed', expected: [1, 5, C], got: [1, 17, C] }]);
    expect(report.unexpected).toEqual(['dist_token']);
    expect(report.missing).toEqual(['norm.bias']);
    expect(m.stateDict().get('pos_embed')?.values()).toEqual(before);
    expect(() => loadTimmStateDict(createViT(cfg, new Rng(0)), sd)).toThrow(
      /missing: norm\.bias; unexpected: dist_token; mis-shaped: pos_embed \(expected \[1, 5, 16\], got \[1, 17, 16\]\)/,
    );
  });

  it('DGQA and WGQA load strictly: their own state is listed as fresh, not missing; skipHead keeps the head', () => {
    const sd = timmStateDict(tinyConfig(), 3);
    const dgqa = createViT(withVariant(tinyConfig(), { kind: 'dgqa-ema' }, 2), new Rng(0));
    expect(loadTimmStateDict(dgqa, sd).fresh).toEqual([
      'blocks.0.attn.cache',
      'blocks.0.attn.allocation',
      'blocks.0.attn.steps_seen',
      'blocks.1.attn.cache',
      'blocks.1.attn.allocation',
      'blocks.1.attn.steps_seen',
    ]);
    const wgqa = createViT(withVariant(tinyConfig({ numClasses: 7 }), { kind: 'wgqa' }, 2), new Rng(0));
    const head = wgqa.stateDict().get('head.weight')?.values().slice();
    const r = loadTimmStateDict(wgqa, sd, { skipHead: true });
    expect(r.fresh).toEqual([
      'blocks.0.attn.kHeadWeight',
      'blocks.0.attn.vHeadWeight',
      'blocks.1.attn.kHeadWeight',
      'blocks.1.attn.vHeadWeight',
      'head.weight',
      'head.bias',
    ]);
    expect(wgqa.stateDict().get('head.weight')?.values()).toEqual(head);
    expect(wgqa.stateDict().get('blocks.0.attn.qkv.weight')?.values()).toEqual(
      sd.get('blocks.0.attn.qkv.weight')?.values(),
    );
  });
});

describe('loadTimmCheckpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vit-timm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a safetensors file (F32 here) and converts it into a GQA model', async () => {
    const sd = timmStateDict(tinyConfig(), 5);
    const tensors = new Map<string, SafeTensor>();
    for (const [k, v] of sd) tensors.set(k, fromNDArray(v));
    const path = join(dir, 'vit.safetensors');
    await saveSafetensorsFile(path, tensors, {});
    const m = createViT(withVariant(tinyConfig(), { kind: 'kdgqa' }, 2), new Rng(0));
    const r = await loadTimmCheckpoint(m, path);
    expect(r.convertedBlocks).toEqual([0, 1]);
    expect(m.stateDict().get('head.weight')?.values()).toEqual(sd.get('head.weight')?.values());
    sd.delete('head.bias');
    const broken = new Map<string, SafeTensor>();
    for (const [k, v] of sd) broken.set(k, fromNDArray(v));
    await saveSafetensorsFile(join(dir, 'broken.safetensors'), broken, {});
    await expect(loadTimmCheckpoint(m, join(dir, 'broken.safetensors'))).rejects.toThrow(
      /broken\.safetensors.*missing: head\.bias/,
    );
  });
});
