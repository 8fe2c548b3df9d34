/**
 * Whole-model conversion of a timm ViT state dict: rewrites each block's fused `attn.qkv.*` (3C, C) and
 * `attn.proj.*` into the grouped fused layout (qkv rows [Q (C) | K (G·d) | V (G·d)], via fuseQkv).
 * Every other key is passed through unchanged (same NDArray objects).
 */
import type { NDArray } from '@gqa-lab/tensor';
import { type AttentionWeights, fuseQkv, splitFusedQkv } from '../weights';
import { identityAssignment, meanPoolAssignment } from './assignment';
import { type ConversionMethod, convertAttention, type HeadWeights } from './convert-attention';

export interface StateDictConversionOptions {
  readonly numHeads: number;
  /** Number of blocks; keys are looked up for i = 0..depth-1. */
  readonly depth: number;
  /** Key prefix of block i's attention, `{i}` replaced by the index. Default 'blocks.{i}.attn.'. */
  readonly prefix?: string;
  /** Per-layer head -> group ids; null / undefined keeps that layer MHA. Exclusive with `groups`. */
  readonly assignments?: readonly (ArrayLike<number> | null | undefined)[];
  /** G for every layer (a number) or per layer (contiguous mean pooling). Exclusive with `assignments`. */
  readonly groups?: number | readonly number[];
  /** Default 'mean'. */
  readonly method?: ConversionMethod;
  /** Per-layer WGQA weights for method 'weighted' (default 1 / |group|). */
  readonly headWeights?: readonly (HeadWeights | undefined)[];
  /** Default true: make each layer's groups contiguous in query order (see convertAttention). */
  readonly permuteQueries?: boolean;
}

/** What was done to one block: its KV head count, query -> KV map and query permutation. */
export interface ConvertedLayerInfo {
  readonly layer: number;
  readonly numGroups: number;
  readonly kvHead: Int32Array;
  readonly groupSizes: Int32Array;
  readonly queryPermutation: Int32Array;
}

export interface StateDictConversion {
  readonly stateDict: Map<string, NDArray>;
  readonly layers: readonly ConvertedLayerInfo[];
}

/** Converts every block's attention in a timm-style state dict; see StateDictConversionOptions. */
export function convertStateDict(
  sd: ReadonlyMap<string, NDArray>,
  options: StateDictConversionOptions,
): StateDictConversion {
  const { numHeads, depth } = options;
  if (!Number.isInteger(depth) || depth < 0)
    throw new RangeError(`convertStateDict: depth must be >= 0, got ${depth}`);
  if (options.assignments !== undefined && options.groups !== undefined) {
    throw new RangeError('convertStateDict: pass either `assignments` or `groups`, not both');
  }
  for (const [name, list] of [
    ['assignments', options.assignments],
    ['groups', Array.isArray(options.groups) ? options.groups : undefined],
    ['headWeights', options.headWeights],
  ] as const) {
    if (list !== undefined && list.length !== depth) {
      throw new RangeError(`convertStateDict: ${name} has ${list.length} entries for depth ${depth}`);
    }
  }
  const out = new Map(sd);
  const layers: ConvertedLayerInfo[] = [];
  for (let i = 0; i < depth; i++) {
    const p = (options.prefix ?? 'blocks.{i}.attn.').replaceAll('{i}', String(i));
    const mha = readLayer(sd, p);
    const converted = convertAttention(mha, {
      numHeads,
      assignment: layerAssignment(options, i),
      method: options.method,
      headWeights: options.headWeights?.[i],
      permuteQueries: options.permuteQueries,
    });
    const w = converted.weights;
    const fused = fuseQkv(w.wq, w.wk, w.wv, w.bq, w.bk, w.bv);
    out.set(`${p}qkv.weight`, fused.weight);
    if (fused.bias) out.set(`${p}qkv.bias`, fused.bias);
    out.set(`${p}proj.weight`, w.wo);
    if (w.bo) out.set(`${p}proj.bias`, w.bo);
    layers.push({
      layer: i,
      numGroups: converted.numGroups,
      kvHead: converted.kvHead,
      groupSizes: converted.groupSizes,
      queryPermutation: converted.queryPermutation,
    });
  }
  return { stateDict: out, layers };
}

function layerAssignment(options: StateDictConversionOptions, i: number): ArrayLike<number> {
  const { groups, numHeads } = options;
  if (groups !== undefined) {
    const g = typeof groups === 'number' ? groups : groups[i];
    return meanPoolAssignment(numHeads, g);
  }
  return options.assignments?.[i] ?? identityAssignment(numHeads);
}

function readLayer(sd: ReadonlyMap<string, NDArray>, p: string): AttentionWeights {
  const need = (key: string) => {
    const t = sd.get(key);
    if (!t) throw new RangeError(`convertStateDict: missing key '${key}'`);
    return t;
  };
  const qkv = splitFusedQkv(need(`${p}qkv.weight`), sd.get(`${p}qkv.bias`) ?? null);
  return { ...qkv, wo: need(`${p}proj.weight`), bo: sd.get(`${p}proj.bias`) ?? null };
}
