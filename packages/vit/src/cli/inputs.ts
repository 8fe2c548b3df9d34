/** The inputs `gqa-lab` commands read: required path flags, the --data folder and a --model file. */

import { type ExperimentData, loadExperimentData } from '../uptrain-data';
import { loadModelFile, type ModelFileMeta } from '../uptrain-model-file';
import type { ViT } from '../vit';
import { UsageError } from './args';
import { requirePath } from './common';
import { kebabOf } from './flag';

/** Throws a UsageError for the first of `paths` (options key -> value, in flag order) left empty. */
export function requirePathFlags(command: string, paths: Record<string, string>): void {
  for (const [key, value] of Object.entries(paths)) {
    if (value === '') throw new UsageError(`gqa-lab ${command}: --${kebabOf(key)} PATH is required`);
  }
}

/** Throws a UsageError when --data names a folder that does not exist (null: the built-in data set). */
export async function requireDataPath(data: string | null): Promise<void> {
  if (data !== null) await requirePath('data', data);
}

/** Checks --data, then loads it (or the built-in Fashion-MNIST) with the seeded train / test limits. */
export async function loadCommandData(
  data: string | null,
  trainLimit: number | null,
  testLimit: number | null,
): Promise<ExperimentData> {
  await requireDataPath(data);
  return loadExperimentData(data, trainLimit, testLimit);
}

/**
 * Checks that --model and --data (when given) exist, both before anything loads so a typo fails fast, then
 * loads the model file; `seed` seeds the generator of the rebuilt model.
 */
export async function resolveModelSource(
  opts: { model: string; data: string | null },
  seed?: number,
): Promise<{ model: ViT; meta: ModelFileMeta }> {
  await requirePath('model', opts.model);
  await requireDataPath(opts.data);
  return loadModelFile(opts.model, seed);
}
