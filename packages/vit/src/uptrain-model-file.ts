/**
 * Model files of the command line: a safetensors file with the ViT state dict (timm key names) and, in the
 * metadata, the ViTConfig plus per-layer group sizes, so `eval`, `convert` and `uptrain --checkpoint` can rebuild
 * any variant, including QCQA / AsymGQA layers with unequal groups.
 */

import { WeightedGroupedQueryAttention } from '@gqa-lab/gqa';
import { fromNDArray, loadSafetensorsFile, saveSafetensorsFile, toNDArray } from '@gqa-lab/nn';
import type { NDArray } from '@gqa-lab/tensor';
import { Rng } from '@gqa-lab/tensor';
import { type ViTConfig, validateViTConfig } from './config';
import { setGroupSizes } from './uptrain-variants';
import { createViT, type ViT } from './vit';

const META_KEY = 'gqa-lab.vit';

export interface ModelFileMeta {
  config: ViTConfig;
  /** Per-layer query heads per KV head, when they differ from the config's uniform split (QCQA, AsymGQA). */
  groupSizes: number[][] | null;
  /** The per-channel normalisation the model was trained with (eval must use the same), or null. */
  normalize: { mean: number[]; std: number[] } | null;
  /** Free-form provenance (variant name, source checkpoint, accuracy). */
  info: Record<string, string | number>;
}

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

/** Reads a model file written by saveModelFile; errors name the file and what is wrong with it. */
export async function loadModelFile(path: string, seed = 0): Promise<{ model: ViT; meta: ModelFileMeta }> {
  const file = await loadSafetensorsFile(path);
  const raw = file.metadata[META_KEY];
  if (raw === undefined) {
    throw new NotAModelFileError(
      `${path}: not a gqa-lab model file (no '${META_KEY}' metadata; write one with 'gqa-lab train')`,
    );
  }
  const meta = parseMeta(raw, path);
  const model = createViT(validateViTConfig(meta.config), new Rng(seed));
  if (meta.groupSizes) setGroupSizes(model, meta.groupSizes, meta.config.variant.fidelity ?? 'corrected');
  const sd = new Map<string, NDArray>([...file.tensors].map(([k, t]) => [k, toNDArray(t)]));
  try {
    model.loadStateDict(sd, { strict: true });
  } catch (e) {
    throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return { model, meta };
}

function parseMeta(raw: string, path: string): ModelFileMeta {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new Error(
      `${path}: metadata '${META_KEY}' is not JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (!isMeta(value)) throw new Error(`${path}: metadata '${META_KEY}' lacks config / groupSizes / info`);
  return value;
}

function isMeta(v: unknown): v is ModelFileMeta {
  if (typeof v !== 'object' || v === null) return false;
  const o: { [k: string]: unknown } = { ...v };
  const sizesOk =
    o.groupSizes === null ||
    (Array.isArray(o.groupSizes) &&
      o.groupSizes.every(
        (row: unknown) => Array.isArray(row) && row.every((x: unknown) => Number.isInteger(x)),
      ));
  return (
    typeof o.config === 'object' &&
    o.config !== null &&
    sizesOk &&
    typeof o.info === 'object' &&
    o.info !== null
  );
}
