/** Parameter counts and KV-cache sizes per variant, from the layer shape alone. */

export type VariantName = 'mha' | 'mqa' | 'gqa' | 'kdgqa' | 'dgqa' | 'pgqa' | 'wgqa-training' | 'wgqa-folded';

export interface AttentionShape {
  dim: number;
  numHeads: number;
  numKvHeads: number;
  /** Biases on q, k, v (proj always has one, as in timm). Default true. */
  qkvBias?: boolean;
}

export interface VariantCost {
  readonly variant: VariantName;
  /** Trainable parameters of one attention layer. */
  readonly parameters: number;
  /** Non-trained state saved per layer (DGQA's cache, allocation and step count). */
  readonly stateValues: number;
  /** KV heads actually cached per token. */
  readonly kvHeads: number;
  /** Bytes of K and V cached per token per layer: 2 · G · d · bytesPerValue. */
  readonly kvBytesPerToken: number;
}

/**
 * The cost of one attention layer of `variant`. MHA uses G = H and MQA G = 1 whatever numKvHeads says;
 * KDGQA, DGQA and PGQA have GQA's parameters and cache (their allocation changes only which queries
 * read which KV head); WGQA during up-training keeps all H K / V heads plus 2·H scalars but still
 * caches only G heads, and folds to plain GQA.
 */
export function variantCost(variant: VariantName, shape: AttentionShape, bytesPerValue = 4): VariantCost {
  const { dim: C, numHeads: H } = shape;
  const d = C / H;
  const G = variant === 'mha' ? H : variant === 'mqa' ? 1 : shape.numKvHeads;
  const bias = shape.qkvBias ?? true;
  const linear = (inF: number, outF: number, b: boolean) => inF * outF + (b ? outF : 0);
  const kvRows = variant === 'wgqa-training' ? C : G * d;
  const parameters =
    linear(C, C, bias) +
    2 * linear(C, kvRows, bias) +
    linear(C, C, true) +
    (variant === 'wgqa-training' ? 2 * H : 0);
  const stateValues = variant === 'dgqa' ? 2 * G + 1 : 0;
  return { variant, parameters, stateValues, kvHeads: G, kvBytesPerToken: 2 * G * d * bytesPerValue };
}

/** variantCost for every variant, for side-by-side tables. */
export function costTable(shape: AttentionShape, bytesPerValue = 4): VariantCost[] {
  const all: VariantName[] = ['mha', 'mqa', 'gqa', 'kdgqa', 'dgqa', 'pgqa', 'wgqa-training', 'wgqa-folded'];
  return all.map((v) => variantCost(v, shape, bytesPerValue));
}
