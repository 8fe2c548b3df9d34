/**
 * Model files of the command line on disk: model-file-codec.ts's format, written atomically and read within the
 * read limits, with errors that start with the path.
 */
import { loadSafetensorsFile, saveSafetensorsFile } from '@gqa-lab/nn';
import {
  type LoadModelFileOptions,
  type ModelFileMeta,
  modelFileContents,
  modelFromSafetensors,
} from './model-file-codec';
import type { ViT } from './vit';

export {
  type LoadModelFileOptions,
  type ModelFileMeta,
  NotAModelFileError,
} from './model-file-codec';

/** Writes `model` (atomically) with its config and group sizes in the metadata. */
export async function saveModelFile(
  path: string,
  model: ViT,
  groupSizes: number[][] | null,
  normalize: { mean: number[]; std: number[] } | null,
  info: Record<string, string | number> = {},
): Promise<void> {
  const { tensors, metadata } = modelFileContents(model, groupSizes, normalize, info);
  await saveSafetensorsFile(path, tensors, metadata);
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
  return modelFromSafetensors(file, path, seed, opts);
}
