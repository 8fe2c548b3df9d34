/**
 * Loading timm ViT weights into any variant. A timm checkpoint stores each block's attention as a fused
 * MHA `qkv` (3C, C); for a grouped model (G < H) every such layer is mean-pooled into the grouped fused
 * layout by the gqa conversion first (WGQA keeps all heads and learns their weights, so it loads as is).
 * Everything else is copied by name, and the Module's LoadReport says what did not fit.
 */
import { convertStateDict } from '@gqa-lab/gqa';
import { describeReport, type LoadReport, type StateDict } from '@gqa-lab/nn';
import type { NDArray } from '@gqa-lab/tensor';
import type { ViTConfig } from './config';
import type { ViT } from './vit';

export interface TimmLoadOptions {
  /** Throw when anything but the variant's own fresh state is missing, unexpected or mis-shaped (default true). */
  strict?: boolean;
  /** Leave `head.*` out (fine-tuning on another number of classes); the head keeps its fresh init. */
  skipHead?: boolean;
}

export interface TimmLoadResult {
  /** Missing / unexpected / mis-shaped keys, without the fresh-state keys below. */
  report: LoadReport;
  /** Keys the variant adds to a timm ViT and initialises itself (DGQA caches, WGQA head weights, a skipped head). */
  fresh: string[];
  /** Blocks whose MHA qkv was mean-pooled into G groups. */
  convertedBlocks: number[];
}

/** The state-dict keys of a timm ViT (class token, global pool 'token') of this shape, in timm's order. */
export function timmKeyNames(config: Pick<ViTConfig, 'depth' | 'qkvBias'>): string[] {
  const keys = ['cls_token', 'pos_embed', 'patch_embed.proj.weight', 'patch_embed.proj.bias'];
  for (let i = 0; i < config.depth; i++) {
    const b = `blocks.${i}`;
    keys.push(`${b}.norm1.weight`, `${b}.norm1.bias`, `${b}.attn.qkv.weight`);
    if (config.qkvBias) keys.push(`${b}.attn.qkv.bias`);
    keys.push(`${b}.attn.proj.weight`, `${b}.attn.proj.bias`, `${b}.norm2.weight`, `${b}.norm2.bias`);
    keys.push(`${b}.mlp.fc1.weight`, `${b}.mlp.fc1.bias`, `${b}.mlp.fc2.weight`, `${b}.mlp.fc2.bias`);
  }
  keys.push('norm.weight', 'norm.bias', 'head.weight', 'head.bias');
  return keys;
}

/**
 * Rewrites the blocks whose `attn.qkv.weight` is MHA-shaped (3C, C) into the model's G groups by mean
 * pooling; blocks in any other shape are left for loadStateDict to report.
 */
function poolToGroups(model: ViT, sd: ReadonlyMap<string, NDArray>): { sd: StateDict; blocks: number[] } {
  const { dim, numHeads, numKvHeads, depth, variant } = model.config;
  let out: StateDict = new Map(sd);
  const blocks: number[] = [];
  if (numKvHeads === numHeads || variant.kind === 'wgqa') return { sd: out, blocks };
  for (let i = 0; i < depth; i++) {
    const prefix = `blocks.${i}.attn.`;
    const qkv = sd.get(`${prefix}qkv.weight`);
    const proj = sd.get(`${prefix}proj.weight`);
    const mhaShaped = qkv?.rank === 2 && qkv.shape[0] === 3 * dim && qkv.shape[1] === dim;
    if (!mhaShaped || proj === undefined) continue;
    out = convertStateDict(out, { numHeads, depth: 1, prefix, groups: numKvHeads, method: 'mean' }).stateDict;
    blocks.push(i);
  }
  return { sd: out, blocks };
}

/** Loads a timm ViT state dict (MHA, fused qkv) into `model`, converting to its variant; see TimmLoadResult. */
export function loadTimmStateDict(
  model: ViT,
  sd: ReadonlyMap<string, NDArray>,
  opts: TimmLoadOptions = {},
): TimmLoadResult {
  const source = new Map(sd);
  if (opts.skipHead) for (const key of ['head.weight', 'head.bias']) source.delete(key);
  const { sd: converted, blocks } = poolToGroups(model, source);
  const raw = model.loadStateDict(converted, { strict: false });
  const timmKeys = new Set(timmKeyNames(model.config));
  const isFresh = (key: string) => !timmKeys.has(key) || (opts.skipHead === true && key.startsWith('head.'));
  const fresh = raw.missing.filter(isFresh);
  const report: LoadReport = { ...raw, missing: raw.missing.filter((k) => !isFresh(k)) };
  if (
    (opts.strict ?? true) &&
    (report.missing.length || report.unexpected.length || report.mismatched.length)
  )
    throw new Error(`loadTimmStateDict: ${describeReport(report)}`);
  return { report, fresh, convertedBlocks: blocks };
}
