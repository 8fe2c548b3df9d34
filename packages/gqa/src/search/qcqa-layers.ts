/**
 * QCQA stage 2: which layers to group, and how much. Each layer offers the candidates of its own front (its
 * MHA assignment among them means "leave this layer ungrouped"); a model choice picks one per layer and costs
 * (total KV heads, total weight-sharing error). We compute the exact Pareto front of that multiple-choice
 * problem by dynamic programming instead of a second evolutionary run: after layer l, keep only the
 * non-dominated partial choices of layers 0..l (a dominated prefix can always be swapped for its dominator),
 * so the front never holds more than L·H + 1 points.
 */
import { type NDArray, Rng } from '@gqa-lab/tensor';
import { type QcqaCandidate, type QcqaLayerResult, type QcqaOptions, qcqaSearchLayer } from './qcqa';

/** One point of the across-layer front. */
export interface ModelChoice {
  /** choice[l] = index into layer l's front */
  readonly choice: Int32Array;
  /** assignments[l] = the chosen assignment of layer l (ready for convertStateDict) */
  readonly assignments: readonly Int32Array[];
  readonly totalGroups: number;
  /** totalGroups / (L·H): the model's KV cache relative to MHA */
  readonly kvCache: number;
  /** sum of the chosen layers' errors */
  readonly error: number;
}

/**
 * The exact across-layer Pareto front over per-layer candidate lists (each usually a layer's front), by total
 * KV heads ascending; each point has strictly lower error than every point with fewer KV heads.
 */
export function qcqaAcrossLayers(layerFronts: readonly (readonly QcqaCandidate[])[]): ModelChoice[] {
  if (layerFronts.length === 0) throw new RangeError('qcqaAcrossLayers: no layers');
  const empty = layerFronts.findIndex((f) => f.length === 0);
  if (empty >= 0) throw new RangeError(`qcqaAcrossLayers: layer ${empty} has no candidates`);
  const heads = layerFronts[0][0].assignment.length;
  interface Partial {
    groups: number;
    error: number;
    choice: number[];
  }
  let front: Partial[] = [{ groups: 0, error: 0, choice: [] }];
  for (const candidates of layerFronts) {
    const combined: Partial[] = [];
    for (const p of front) {
      candidates.forEach((c, i) => {
        combined.push({ groups: p.groups + c.numGroups, error: p.error + c.error, choice: [...p.choice, i] });
      });
    }
    front = nonDominatedSweep(combined);
  }
  return front.map((p) => ({
    choice: Int32Array.from(p.choice),
    assignments: p.choice.map((i, l) => layerFronts[l][i].assignment),
    totalGroups: p.groups,
    kvCache: p.groups / (heads * layerFronts.length),
    error: p.error,
  }));
}

/** Sort by (groups, error) and keep each point whose error beats every point before it (one per tie). */
function nonDominatedSweep<T extends { groups: number; error: number }>(points: T[]): T[] {
  const sorted = points
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.groups - b.p.groups || a.p.error - b.p.error || a.i - b.i);
  const kept: T[] = [];
  let best = Infinity;
  for (const { p } of sorted) {
    if (p.error < best) {
      kept.push(p);
      best = p.error;
    }
  }
  return kept;
}

export interface QcqaModelResult {
  /** per layer: its own search result */
  readonly layers: readonly QcqaLayerResult[];
  /** the across-layer front */
  readonly front: readonly ModelChoice[];
}

/**
 * Both QCQA stages for a whole model: a per-layer search on each layer's (wk, wv) (each with its own generator
 * forked from `seed`), then the exact across-layer front.
 */
export function qcqaSearchModel(
  layers: readonly { readonly wk: NDArray; readonly wv: NDArray }[],
  numHeads: number,
  options: QcqaOptions = {},
): QcqaModelResult {
  const root = new Rng(options.seed ?? 0);
  const results = layers.map((w) => qcqaSearchLayer(w, numHeads, { ...options, seed: root.nextUint32() }));
  return { layers: results, front: qcqaAcrossLayers(results.map((r) => r.front)) };
}
