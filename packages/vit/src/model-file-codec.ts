/**
 * Model files as bytes (browsers too): a safetensors file with the ViT state dict (timm key names) and, in the
 * metadata, the ViTConfig plus per-layer group sizes, so `eval`, `convert` and `uptrain --checkpoint` can rebuild
 * any variant, including QCQA / AsymGQA layers with unequal groups. uptrain-model-file.ts reads and writes them
 * on disk (Node).
 */

import { WeightedGroupedQueryAttention } from '@gqa-lab/gqa';
import {
  describeReport,
  FileFormatError,
  fromNDArray,
  type ParsedSafetensors,
  parseJsonText,
  parseSafetensors,
  parseWithSchema,
  ReadLimitError,
  type ReadLimits,
  readLimits,
  type SafeTensor,
  SafetensorsError,
  serializeSafetensors,
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

/** The tensors and metadata of a model file: `model` with its config and group sizes. */
export function modelFileContents(
  model: ViT,
  groupSizes: number[][] | null,
  normalize: { mean: number[]; std: number[] } | null,
  info: Record<string, string | number> = {},
): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  const tensors = new Map([...model.stateDict()].map(([k, v]) => [k, fromNDArray(v)] as const));
  const meta: ModelFileMeta = { config: savedConfig(model), groupSizes, normalize, info };
  return { tensors, metadata: { [META_KEY]: JSON.stringify(meta) } };
}

/** A model file's bytes (what saveModelFile writes), e.g. for a download in the browser. */
export function encodeModelFile(
  model: ViT,
  groupSizes: number[][] | null,
  normalize: { mean: number[]; std: number[] } | null,
  info: Record<string, string | number> = {},
): Uint8Array {
  const { tensors, metadata } = modelFileContents(model, groupSizes, normalize, info);
  return serializeSafetensors(tensors, metadata);
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
 * A model from a model file's bytes (e.g. a file the user picked in the browser); `name` starts every error.
 * Checks as modelFromSafetensors does.
 */
export function decodeModelFile(
  bytes: Uint8Array,
  name: string,
  seed = 0,
  opts: LoadModelFileOptions = {},
): { model: ViT; meta: ModelFileMeta } {
  const limits = readLimits(opts.limits);
  if (bytes.length > limits.maxFileBytes)
    throw new ReadLimitError(name, 'maxFileBytes', 'the file size', bytes.length, limits.maxFileBytes);
  let file: ParsedSafetensors;
  try {
    file = parseSafetensors(bytes, limits);
  } catch (e) {
    throw e instanceof SafetensorsError ? e.inFile(name) : e;
  }
  return modelFromSafetensors(file, name, seed, opts);
}

/**
 * Rebuilds the model of a parsed model file. The metadata is validated by its schema and the tensors' shapes
 * are checked against it before the model is built; errors name the file and the key.
 */
export function modelFromSafetensors(
  file: ParsedSafetensors,
  name: string,
  seed = 0,
  opts: LoadModelFileOptions = {},
): { model: ViT; meta: ModelFileMeta } {
  const raw = file.metadata[META_KEY];
  if (raw === undefined) {
    throw new NotAModelFileError(
      `${name}: not a gqa-lab model file (no '${META_KEY}' metadata; write one with 'gqa-lab train')`,
    );
  }
  const schema = modelFileMetaSchema({ ...DEFAULT_ARCHITECTURE_LIMITS, ...opts.architecture });
  const meta = parseWithSchema(schema, parseJsonText(raw, name, FORMAT), name, FORMAT);
  asFileError(name, 'config', () => validateViTConfig(meta.config));
  if (meta.groupSizes) {
    const sizes = meta.groupSizes;
    asFileError(name, 'groupSizes', () => checkGroupSizes(sizes, meta.config));
  }
  checkShapesAgainstMeta(name, file, meta);
  const model = createViT(meta.config, new Rng(seed));
  if (meta.groupSizes) setGroupSizes(model, meta.groupSizes, meta.config.variant.fidelity ?? 'corrected');
  const sd = asFileError(
    name,
    'tensors',
    () => new Map<string, NDArray>([...file.tensors].map(([k, t]) => [k, toNDArray(t)])),
  );
  // Shapes were checked against the metadata above; what is left is a tensor set that does not match the
  // architecture the metadata describes (e.g. qkvBias false beside stored qkv biases).
  const report = model.loadStateDict(sd, { strict: false });
  if (report.missing.length || report.unexpected.length || report.mismatched.length)
    throw new FileFormatError(name, FORMAT, 'tensors', `do not match config: ${describeReport(report)}`);
  for (const [key, t] of sd) {
    const bad = t.dtype === 'int32' ? -1 : t.values().findIndex((x) => !Number.isFinite(x));
    if (bad >= 0)
      throw new FileFormatError(
        name,
        'model file',
        key,
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
