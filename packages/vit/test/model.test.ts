import { crossEntropy, noGrad, Tensor } from '@gqa-lab/autograd';
import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VARIANT_KINDS, type VariantKind, validateViTConfig, withVariant } from '../src/config';
import { VIT_PRESET_NAMES, vitPreset } from '../src/presets';
import { timmKeyNames } from '../src/timm';
import { createViT } from '../src/vit';
import { tinyConfig, tinyModel } from './helpers';

const images = (b: number, seed = 3) => {
  const rng = new Rng(seed);
  return NDArray.of(
    Float32Array.from({ length: b * 64 }, () => rng.uniform()),
    [b, 1, 8, 8],
  );
};

describe('ViT parameter names and shapes', () => {
  it('an MHA ViT has exactly timm state-dict keys, in timm order, with timm shapes', () => {
    const cfg = tinyConfig({ depth: 3 });
    const sd = createViT(cfg, new Rng(0)).stateDict();
    expect([...sd.keys()]).toEqual(timmKeyNames(cfg));
    const C = cfg.dim;
    expect(sd.get('cls_token')?.shape).toEqual([1, 1, C]);
    expect(sd.get('pos_embed')?.shape).toEqual([1, 5, C]);
    expect(sd.get('patch_embed.proj.weight')?.shape).toEqual([C, 1, 4, 4]);
    expect(sd.get('blocks.2.attn.qkv.weight')?.shape).toEqual([3 * C, C]);
    expect(sd.get('blocks.2.attn.qkv.bias')?.shape).toEqual([3 * C]);
    expect(sd.get('blocks.0.mlp.fc1.weight')?.shape).toEqual([2 * C, C]);
    expect(sd.get('blocks.0.mlp.fc2.weight')?.shape).toEqual([C, 2 * C]);
    expect(sd.get('head.weight')?.shape).toEqual([4, C]);
  });

  it('grouped variants keep the key names; qkv has C + 2·G·d rows; extra state only where the variant has it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VARIANT_KINDS), fc.constantFrom(1, 2, 4), (kind, kv) => {
        const cfg = withVariant(tinyConfig(), { kind }, kv);
        const sd = createViT(cfg, new Rng(1)).stateDict();
        const timm = new Set(timmKeyNames(cfg));
        const extra = [...sd.keys()]
          .filter((k) => !timm.has(k))
          .map((k) => k.replace(/^blocks\.\d+\.attn\./, ''));
        const expectedExtra: Partial<Record<VariantKind, string[]>> = {
          'dgqa-diff': ['cache', 'allocation', 'steps_seen'],
          'dgqa-ema': ['cache', 'allocation', 'steps_seen'],
          wgqa: ['kHeadWeight', 'vHeadWeight'],
        };
        expect(extra).toEqual([...(expectedExtra[kind] ?? []), ...(expectedExtra[kind] ?? [])]);
        for (const k of timm) expect(sd.has(k)).toBe(true);
        const G = cfg.numKvHeads;
        const rows = kind === 'wgqa' ? 3 * 16 : 16 + 2 * G * 4;
        expect(sd.get('blocks.1.attn.qkv.weight')?.shape).toEqual([rows, 16]);
      }),
      { numRuns: 30 },
    );
  });

  it('presets have timm shapes (vit_base: 86M parameters, 12 heads of 64)', () => {
    const base = vitPreset('vit_base_patch16_224');
    expect([base.dim, base.depth, base.numHeads, base.mlpRatio, base.patchSize]).toEqual([
      768, 12, 12, 4, 16,
    ]);
    const large = vitPreset('vit_large_patch16_224');
    expect([large.dim, large.depth, large.numHeads]).toEqual([1024, 24, 16]);
    for (const name of VIT_PRESET_NAMES) expect(() => validateViTConfig(vitPreset(name))).not.toThrow();
    const micro = createViT(vitPreset('vit_micro_patch7_28'), new Rng(0));
    // patch 7*7*32+32, cls 32, pos 17*32, 2 blocks, norm 64, head 32*10+10
    const block = 4 * 32 + (3 * 32 * 32 + 3 * 32) + (32 * 32 + 32) + (64 * 32 + 64) + (32 * 64 + 32);
    expect(micro.numParameters()).toBe(49 * 32 + 32 + 32 + 17 * 32 + 2 * block + 64 + 330);
    expect(() => vitPreset('vit_huge')).toThrow(/unknown preset 'vit_huge'/);
  });
});

describe('ViT config validation', () => {
  it('names the inconsistent field', () => {
    expect(() => validateViTConfig(tinyConfig({ numKvHeads: 2 }))).toThrow(
      /'mha' needs numKvHeads = numHeads = 4, got 2/,
    );
    expect(() => validateViTConfig(tinyConfig({ variant: { kind: 'gqa' }, numKvHeads: 3 }))).toThrow(
      /numHeads 4 is not a multiple of numKvHeads 3/,
    );
    expect(() => validateViTConfig(tinyConfig({ imageSize: 10 }))).toThrow(
      /imageSize 10 is not a multiple of patchSize 4/,
    );
    expect(() => validateViTConfig(tinyConfig({ dim: 18 }))).toThrow(
      /dim 18 is not a multiple of numHeads 4/,
    );
    expect(() => validateViTConfig(tinyConfig({ dropout: 1 }))).toThrow(/dropout must be in \[0, 1\), got 1/);
    expect(withVariant(tinyConfig(), { kind: 'mqa' }).numKvHeads).toBe(1);
    expect(withVariant(tinyConfig(), { kind: 'mha' }, 2).numKvHeads).toBe(4);
  });
});

describe('ViT init (timm)', () => {
  it('Linear biases zero, weights truncated normal 0.02; LayerNorm ones / zeros; tiny cls token', () => {
    const m = createViT(tinyConfig({ dim: 64, numHeads: 4, numKvHeads: 4 }), new Rng(5));
    const sd = m.stateDict();
    const fc1 = Array.from(sd.get('blocks.0.mlp.fc1.weight')?.values() ?? []);
    const mean = fc1.reduce((a, b) => a + b, 0) / fc1.length;
    const std = Math.sqrt(fc1.reduce((a, b) => a + (b - mean) ** 2, 0) / fc1.length);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    for (const key of [
      'blocks.0.attn.qkv.bias',
      'blocks.1.mlp.fc2.bias',
      'head.bias',
      'norm.bias',
      'blocks.0.norm1.bias',
    ])
      expect(Array.from(sd.get(key)?.values() ?? [1]).every((v) => v === 0)).toBe(true);
    expect(Array.from(sd.get('blocks.1.norm2.weight')?.values() ?? []).every((v) => v === 1)).toBe(true);
    const cls = Array.from(sd.get('cls_token')?.values() ?? []);
    expect(Math.max(...cls.map(Math.abs))).toBeLessThan(1e-5);
    expect(cls.some((v) => v !== 0)).toBe(true);
  });

  it('the same seed gives bit-identical weights; another seed does not', () => {
    const a = tinyModel({ kind: 'gqa' }, 2, 7).stateDict();
    const b = tinyModel({ kind: 'gqa' }, 2, 7).stateDict();
    const c = tinyModel({ kind: 'gqa' }, 2, 8).stateDict();
    for (const [k, v] of a) expect(b.get(k)?.values()).toEqual(v.values());
    expect(c.get('head.weight')?.values()).not.toEqual(a.get('head.weight')?.values());
  });
});

describe('ViT forward', () => {
  it('every variant maps (B, C, H, W) to (B, classes) and gives every trained parameter a gradient', () => {
    for (const kind of VARIANT_KINDS) {
      const m = tinyModel({ kind, window: 1 }, 2, 0, { dropout: 0.1, attnDropout: 0.1 });
      const logits = m.forward(images(3), { step: 0 });
      expect(logits.shape).toEqual([3, 4]);
      crossEntropy(logits, Int32Array.of(0, 1, 2)).backward();
      for (const [name, p] of m.namedParameters()) {
        expect(p.grad, `${kind}: ${name}`).not.toBeNull();
      }
    }
  });

  it('patch tokens follow timm order: token n is the patch at row n / g, column n % g', () => {
    const m = createViT(tinyConfig({ dim: 16 }), new Rng(0));
    // Make the projection read one pixel per output channel: channel j reads pixel (j / 4, j % 4) of the patch.
    const w = new Float32Array(16 * 16);
    for (let j = 0; j < 16; j++) w[j * 16 + j] = 1;
    m.patch_embed.proj.weight.data = NDArray.of(w, [16, 1, 4, 4]);
    m.patch_embed.proj.bias?.data.values().fill(0);
    const x = images(2, 9);
    const tokens = noGrad(() => m.patch_embed.forward(new Tensor(x))); // (B, 4, 16)
    fc.assert(
      fc.property(fc.nat(1), fc.nat(3), fc.nat(15), (b, n, j) => {
        const [py, px] = [Math.floor(n / 2), n % 2];
        const pixel = x.get(b, 0, py * 4 + Math.floor(j / 4), px * 4 + (j % 4));
        expect(tokens.data.get(b, n, j)).toBe(pixel);
      }),
    );
  });

  it('rejects images of the wrong shape naming the expected one', () => {
    const m = tinyModel();
    expect(() => m.forward(NDArray.of(new Float32Array(2 * 3 * 64), [2, 3, 8, 8]))).toThrow(
      /must be \(B, 1, 8, 8\)/,
    );
    expect(() => m.forward(NDArray.of(new Float32Array(2 * 100), [2, 1, 10, 10]))).toThrow(
      /PatchEmbed.*\(B, C, 8, 8\)/,
    );
  });

  it('in eval mode dropout is off: two forwards agree exactly', () => {
    const m = tinyModel({ kind: 'gqa' }, 2, 0, { dropout: 0.2, attnDropout: 0.2 }).eval();
    const a = noGrad(() => m.forward(images(2)).data.values());
    const b = noGrad(() => m.forward(images(2)).data.values());
    expect(a).toEqual(b);
  });
});
