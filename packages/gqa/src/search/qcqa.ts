/**
 * QCQA stage 1: per layer, NSGA-II over head -> group assignments minimising (KV heads, weight-sharing error).
 * The population evolves by binary tournaments on the crowded-comparison order, group-preserving crossover and
 * move / merge / split mutation, and (mu + lambda) survivor selection by rank and crowding distance. Every
 * evaluated assignment goes into an archive (the search space is discrete and evaluations are cheap), and the
 * returned front is the non-dominated set of the archive, so an assignment found once is never lost.
 */
import { type NDArray, Rng } from '@gqa-lab/tensor';
import { canonicalAssignment, identityAssignment, meanPoolAssignment } from '../convert/assignment';
import { groupCrossover, mutateAssignment, randomAssignment } from './grouping-operators';
import { crowdedBetter, crowdedRanking, nonDominatedSort, type Objectives, selectSurvivors } from './nsga2';
import { countGroups, type HeadGram, headGram, weightSharingError } from './sharing-error';

/** One point of a layer's Pareto front. */
export interface QcqaCandidate {
  /** Canonical group ids (groups numbered by first head). */
  readonly assignment: Int32Array;
  readonly numGroups: number;
  /** numGroups / H */
  readonly kvCache: number;
  readonly error: number;
}

export interface QcqaOptions {
  /** Default 0. Same seed and inputs -> same front. */
  readonly seed?: number;
  /** Default 48. */
  readonly populationSize?: number;
  /** Default 60. */
  readonly generations?: number;
  /** Probability that a child comes from crossover rather than a copy of its first parent. Default 0.9. */
  readonly crossoverRate?: number;
  /** Per-head move probability in mutation. Default 1 / H. */
  readonly moveRate?: number;
  /** Probability of one merge or split per child. Default 0.3. */
  readonly structuralRate?: number;
  /** Start from MHA, MQA and every contiguous GQA grouping (G dividing H) besides random ones. Default true. */
  readonly seedWithGqa?: boolean;
}

export interface QcqaLayerResult {
  /** Mutually non-dominated candidates, by numGroups ascending. */
  readonly front: readonly QcqaCandidate[];
  /** Distinct assignments evaluated. */
  readonly evaluated: number;
}

/** Runs the per-layer QCQA search on MHA projections wk, wv (H·d, C). */
export function qcqaSearchLayer(
  weights: { readonly wk: NDArray; readonly wv: NDArray },
  numHeads: number,
  options: QcqaOptions = {},
): QcqaLayerResult {
  return qcqaSearchGram(headGram(weights.wk, weights.wv, numHeads), options);
}

/** The same search from a precomputed Gram matrix (see headGram). */
export function qcqaSearchGram(gram: HeadGram, options: QcqaOptions = {}): QcqaLayerResult {
  const h = gram.numHeads;
  const populationSize = options.populationSize ?? 48;
  const generations = options.generations ?? 60;
  const crossoverRate = options.crossoverRate ?? 0.9;
  const moveRate = options.moveRate ?? 1 / h;
  const structuralRate = options.structuralRate ?? 0.3;
  if (
    !Number.isInteger(populationSize) ||
    populationSize < 2 ||
    !Number.isInteger(generations) ||
    generations < 0
  ) {
    throw new RangeError(
      `qcqaSearch: populationSize must be an integer >= 2 and generations >= 0, got ${populationSize}, ${generations}`,
    );
  }
  const rng = new Rng(options.seed ?? 0);
  const archive = new Map<string, QcqaCandidate>();
  const evaluate = (raw: Int32Array): QcqaCandidate => {
    const assignment = canonicalAssignment(raw);
    const key = assignment.join(',');
    const known = archive.get(key);
    if (known) return known;
    const numGroups = countGroups(assignment);
    const cand = {
      assignment,
      numGroups,
      kvCache: numGroups / h,
      error: weightSharingError(gram, assignment),
    };
    archive.set(key, cand);
    return cand;
  };
  const objectives = (pop: readonly QcqaCandidate[]): Objectives[] => pop.map((c) => [c.numGroups, c.error]);

  let population = initialPopulation(h, populationSize, options.seedWithGqa ?? true, rng).map(evaluate);
  for (let gen = 0; gen < generations; gen++) {
    const ranking = crowdedRanking(objectives(population));
    const tournament = () => {
      const a = rng.int(population.length);
      const b = rng.int(population.length);
      return population[crowdedBetter(ranking, b, a) ? b : a];
    };
    const offspring: QcqaCandidate[] = [];
    while (offspring.length < populationSize) {
      const p1 = tournament();
      const p2 = tournament();
      const crossed =
        rng.next() < crossoverRate ? groupCrossover(p1.assignment, p2.assignment, rng) : p1.assignment;
      offspring.push(evaluate(mutateAssignment(crossed, rng, moveRate, structuralRate)));
    }
    // (mu + lambda) with duplicates removed, so copies of one assignment cannot crowd out the rest.
    const merged = [...new Set([...population, ...offspring])];
    population = selectSurvivors(objectives(merged), populationSize).map((i) => merged[i]);
  }
  return { front: paretoFront([...archive.values()]), evaluated: archive.size };
}

/** The non-dominated candidates of a list, by numGroups then error ascending. */
export function paretoFront(candidates: readonly QcqaCandidate[]): QcqaCandidate[] {
  if (candidates.length === 0) return [];
  const [first] = nonDominatedSort(candidates.map((c) => [c.numGroups, c.error]));
  return first.map((i) => candidates[i]).sort((a, b) => a.numGroups - b.numGroups || a.error - b.error);
}

function initialPopulation(h: number, size: number, seedWithGqa: boolean, rng: Rng): Int32Array[] {
  const seeds: Int32Array[] = [];
  if (seedWithGqa) {
    seeds.push(identityAssignment(h));
    for (let g = 1; g < h; g++) if (h % g === 0) seeds.push(meanPoolAssignment(h, g));
  }
  const pop = seeds.slice(0, size);
  while (pop.length < size) pop.push(randomAssignment(h, rng));
  return pop;
}
