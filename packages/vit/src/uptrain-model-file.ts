/**
 * Model files of the command line: a safetensors file with the ViT state dict (timm key names) and, in the
 * metadata, the ViTConfig plus per-layer group sizes, so `eval`, `convert` and `uptrain --checkpoint` can rebuild
 * any variant, including QCQA / AsymGQA layers with unequal groups.
 */

import { WeightedGroupedQueryAttention } from '@gqa-lab/gqa';
import {
  FileFormatError,
  fromNDArray,
  loadSafetensorsFile,
  parseJsonText,
  parseWithSchema,
  type ReadLimits,
  saveSafetensorsFile,
  toNDArray,
} from '@gqa-lab/nn';
import type { NDArray } from '@gqa-lab/tensor';
import { Rng } from '@gqa-lab/tensor';
import { type ViTConfig, validateViTConfig } from './config';
import {
  type ArchitectureLimits,
  checkShapesAgainstMeta,
  DEFAULT_ARCHITECTURE_LIMITS,
  type ModelFileMeta,
  modelFileMetaSchema,
} from './model-file-schema';
import { setGroupSizes } from './uptrain-variants';
import { createViT, type ViT } from './vit';

const META_KEY = 'gqa-lab.vit';

export type { ModelFileMeta } from './model-file-schema';

/** Writes `model` (atomically) with its config and group sizes in the metadata. */
export async function saveModelFile(
  path: string,
  model: ViT,
  groupSizes: number[][] | null,
  normalize: { mean: number[]; std: number[] } | null,
  info: Record<string, string | number> = {},
): Promise<void> {
  const tensors = new Map([...model.stateDict()].map(([k, v]) => [k, fromNDArray(v)] as const));
  const meta: ModelFileMeta = { config: savedConfig(model), groupSizes, normalize, info };
  await saveSafetensorsFile(path, tensors, { [META_KEY]: JSON.stringify(meta) });
}

/** A safetensors file without gqa-lab's model metadata (for example a timm checkpoint). */
export class NotAModelFileError extends Error {
  override readonly name = 'NotAModelFileError';
}

/** The config to store: a WGQA model whose layers were all folded is saved as the plain GQA it now is. */
function savedConfig(model: ViT): ViTConfig {
  const c = model.config;
  const folded =
    c.variant.kind === 'wgqa' &&
    !model.attentionLayers().some((a) => a instanceof WeightedGroupedQueryAttention);
  return folded ? { ...c, variant: { ...c.variant, kind: 'gqa' } } : c;
}

export interface LoadModelFileOptions {
  /** Size limits of the file (read-limits.ts in @gqa-lab/nn). */
  limits?: Partial<ReadLimits>;
  /** Largest architecture accepted (DEFAULT_ARCHITECTURE_LIMITS). */
  architecture?: Partial<ArchitectureLimits>;
}

/**
 * Reads a model file written by saveModelFile. The metadata is validated by its schema and the tensors'
 * shapes are checked against it before the model is built; errors name the file and the key.
 */
export async function loadModelFile(
  path: string,
  seed = 0,
  opts: LoadModelFileOptions = {},
): Promise<{ model: ViT; meta: ModelFileMeta }> {
  const file = await loadSafetensorsFile(path, { limits: opts.limits });
  const raw = file.metadata[META_KEY];
  if (raw === undefined) {
    throw new NotAModelFileError(
      `${path}: not a gqa-lab model file (no '${META_KEY}' metadata; write one with 'gqa-lab train')`,
    );
  }
  const schema = modelFileMetaSchema({ ...DEFAULT_ARCHITECTURE_LIMITS, ...opts.architecture });
  const meta = parseWithSchema(schema, parseJsonText(raw, path, FORMAT), path, FORMAT);
  asFileError(path, 'config', () => validateViTConfig(meta.config));
  if (meta.groupSizes) {
    const sizes = meta.groupSizes;
    asFileError(path, 'groupSizes', () => checkGroupSizes(sizes, meta.config));
  }
  checkShapesAgainstMeta(path, file, meta);
  const model = createViT(meta.config, new Rng(seed));
  if (meta.groupSizes) setGroupSizes(model, meta.groupSizes, meta.config.variant.fidelity ?? 'corrected');
  const sd = asFileError(
    path,
    'tensors',
    () => new Map<string, NDArray>([...file.tensors].map(([k, t]) => [k, toNDArray(t)])),
  );
  asFileError(path, 'tensors', () => model.loadStateDict(sd, { strict: true }));
  for (const [name, t] of sd) {
    const bad = t.dtype === 'int32' ? -1 : t.values().findIndex((x) => !Number.isFinite(x));
    if (bad >= 0)
      throw new FileFormatError(
        path,
        'model file',
        name,
        `element ${bad} is ${t.values()[bad]}: the weights are not finite`,
      );
  }
  return { model, meta };
}

const FORMAT = `model file metadata '${META_KEY}'`;

/** Runs `fn`; its RangeError (a consistency check) becomes a FileFormatError at `keyPath`. */
function asFileError<R>(path: string, keyPath: string, fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw new FileFormatError(path, FORMAT, keyPath, e.message, { cause: e });
    throw e;
  }
}

/** One row per block, each summing to the query heads. */
function checkGroupSizes(sizes: readonly (readonly number[])[], config: ViTConfig): void {
  if (sizes.length !== config.depth) throw new RangeError(`${sizes.length} rows for depth ${config.depth}`);
  sizes.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    if (total !== config.numHeads)
      throw new RangeError(
        `row ${i} [${row.join(', ')}] sums to ${total}, not the ${config.numHeads} query heads`,
      );
  });
}
