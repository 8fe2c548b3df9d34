/**
 * The one schema of a model file's `gqa-lab.vit` metadata (ViTConfig, group sizes, normalisation, info),
 * with the documented architecture limits, and the check that the file's tensors have the shapes that
 * metadata implies, done BEFORE any model is built: metadata alone never decides how much is allocated.
 */
import type { ParsedSafetensors } from '@gqa-lab/nn';
import { FileFormatError } from '@gqa-lab/nn';
import * as v from 'valibot';
import { VARIANT_KINDS } from './config';

/** Largest architectures a model file may describe (timm's ViT-H/14 fits with room to spare). */
export interface ArchitectureLimits {
  maxImageSize: number;
  maxChannels: number;
  maxClasses: number;
  maxDim: number;
  maxDepth: number;
  maxHeads: number;
  maxMlpRatio: number;
}

export const DEFAULT_ARCHITECTURE_LIMITS: Readonly<ArchitectureLimits> = {
  maxImageSize: 4096,
  maxChannels: 64,
  maxClasses: 100_000,
  maxDim: 8192,
  maxDepth: 256,
  maxHeads: 256,
  maxMlpRatio: 16,
};

const int = (min: number, max: number) =>
  v.pipe(v.number(), v.safeInteger(), v.minValue(min), v.maxValue(max));
const finite = v.pipe(v.number(), v.finite());
const probability = v.pipe(v.number(), v.minValue(0), v.ltValue(1));

export const FIDELITIES = ['reference', 'corrected'] as const;

export const VariantConfigSchema = v.strictObject({
  kind: v.picklist(VARIANT_KINDS),
  fidelity: v.optional(v.picklist(FIDELITIES)),
  window: v.optional(int(1, 1_000_000)),
  minPerGroup: v.optional(int(0, 1_000_000)),
  perSample: v.optional(v.boolean()),
  perturbScale: v.optional(finite),
});

/** ViTConfig's schema under `limits` (field ranges only; validateViTConfig checks how fields fit together). */
export function viTConfigSchema(limits: ArchitectureLimits = DEFAULT_ARCHITECTURE_LIMITS) {
  return v.strictObject({
    imageSize: int(1, limits.maxImageSize),
    patchSize: int(1, limits.maxImageSize),
    inChannels: int(1, limits.maxChannels),
    numClasses: int(1, limits.maxClasses),
    dim: int(1, limits.maxDim),
    depth: int(1, limits.maxDepth),
    numHeads: int(1, limits.maxHeads),
    numKvHeads: int(1, limits.maxHeads),
    mlpRatio: v.pipe(v.number(), v.gtValue(0), v.maxValue(limits.maxMlpRatio)),
    qkvBias: v.boolean(),
    dropout: probability,
    attnDropout: probability,
    variant: VariantConfigSchema,
  });
}

const NormalizeSchema = v.pipe(
  v.strictObject({
    mean: v.pipe(v.array(finite), v.minLength(1), v.maxLength(DEFAULT_ARCHITECTURE_LIMITS.maxChannels)),
    std: v.pipe(v.array(v.pipe(v.number(), v.finite(), v.gtValue(0))), v.minLength(1)),
  }),
  v.check((n) => n.mean.length === n.std.length, 'mean and std have different lengths'),
);

/** The metadata schema of a model file under `limits`. */
export function modelFileMetaSchema(limits: ArchitectureLimits = DEFAULT_ARCHITECTURE_LIMITS) {
  return v.strictObject({
    config: viTConfigSchema(limits),
    groupSizes: v.nullable(
      v.pipe(
        v.array(v.pipe(v.array(int(1, limits.maxHeads)), v.minLength(1), v.maxLength(limits.maxHeads))),
        v.maxLength(limits.maxDepth),
      ),
    ),
    normalize: v.nullable(NormalizeSchema),
    info: v.record(
      v.pipe(v.string(), v.maxLength(200)),
      v.union([v.pipe(v.string(), v.maxLength(10_000)), finite]),
    ),
  });
}

export type ModelFileMeta = v.InferOutput<ReturnType<typeof modelFileMetaSchema>>;

const FORMAT = 'gqa-lab model file';

/**
 * Checks the tensors every ViT has against the metadata (patch embedding, tokens, each block's norms, qkv and
 * MLP, the head) and that the blocks are exactly 0..depth-1, so the model about to be built is no larger than
 * what the file holds. Variant-specific buffers are left to loadStateDict's strict check after the build.
 */
export function checkShapesAgainstMeta(path: string, file: ParsedSafetensors, meta: ModelFileMeta): void {
  const c = meta.config;
  const hidden = c.dim * c.mlpRatio;
  const headDim = c.dim / c.numHeads;
  const side = c.imageSize / c.patchSize;
  const expect = (name: string, shape: readonly number[], alternative?: readonly number[]) => {
    const t = file.tensors.get(name);
    if (t === undefined)
      throw new FileFormatError(path, FORMAT, name, `tensor is missing (metadata config implies it)`);
    const same = (want: readonly number[]) =>
      t.shape.length === want.length && t.shape.every((d, i) => d === want[i]);
    if (!same(shape) && !(alternative && same(alternative)))
      throw new FileFormatError(
        path,
        FORMAT,
        name,
        `tensor has shape [${t.shape.join(', ')}] but the metadata config (dim ${c.dim}, depth ${c.depth}, ` +
          `heads ${c.numHeads}/${c.numKvHeads}) implies [${shape.join(', ')}]`,
      );
  };
  expect('patch_embed.proj.weight', [c.dim, c.inChannels, c.patchSize, c.patchSize]);
  expect('cls_token', [1, 1, c.dim]);
  expect('pos_embed', [1, 1 + side * side, c.dim]);
  expect('norm.weight', [c.dim]);
  expect('head.weight', [c.numClasses, c.dim]);
  const blocks = new Set<number>();
  for (const name of file.tensors.keys()) {
    const m = /^blocks\.(\d+)\./.exec(name);
    if (m) blocks.add(Number(m[1]));
  }
  const extra = [...blocks].find((b) => b >= c.depth);
  if (extra !== undefined || blocks.size !== c.depth)
    throw new FileFormatError(
      path,
      FORMAT,
      'config.depth',
      `is ${c.depth} but the file holds ${blocks.size} blocks${extra !== undefined ? ` (blocks.${extra} among them)` : ''}`,
    );
  for (let i = 0; i < c.depth; i++) {
    const kv = meta.groupSizes?.[i]?.length ?? c.numKvHeads;
    expect(`blocks.${i}.norm1.weight`, [c.dim]);
    // A WGQA layer keeps MHA's K / V heads until it is folded into the GQA it then is.
    const unfolded = c.variant.kind === 'wgqa' ? [3 * c.dim, c.dim] : undefined;
    expect(`blocks.${i}.attn.qkv.weight`, [c.dim + 2 * kv * headDim, c.dim], unfolded);
    expect(`blocks.${i}.attn.proj.weight`, [c.dim, c.dim]);
    expect(`blocks.${i}.mlp.fc1.weight`, [hidden, c.dim]);
    expect(`blocks.${i}.mlp.fc2.weight`, [c.dim, hidden]);
  }
}
