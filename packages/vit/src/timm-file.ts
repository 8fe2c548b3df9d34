/** timm `.safetensors` files on disk (Node): read, then loaded with timm.ts's loadTimmStateDict. */
import { loadSafetensorsFile, type StateDict, toNDArray } from '@gqa-lab/nn';
import { loadTimmStateDict, type TimmLoadOptions, type TimmLoadResult } from './timm';
import type { ViT } from './vit';

/** Reads a timm `.safetensors` file (any float dtype) and loads it with loadTimmStateDict. */
export async function loadTimmCheckpoint(
  model: ViT,
  path: string,
  opts: TimmLoadOptions = {},
): Promise<TimmLoadResult> {
  const file = await loadSafetensorsFile(path);
  const sd: StateDict = new Map();
  for (const [name, t] of file.tensors) sd.set(name, toNDArray(t).astype('float32'));
  try {
    return loadTimmStateDict(model, sd, opts);
  } catch (e) {
    throw new Error(`loadTimmCheckpoint ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}
