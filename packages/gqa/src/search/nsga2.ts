/**
 * The NSGA-II building blocks (Deb et al. 2002) for minimisation: dominance, fast non-dominated sorting,
 * crowding distance, and the crowded-comparison order used by binary tournaments and survivor selection.
 */

/** Objective vectors, all minimised. */
export type Objectives = readonly number[];

/** True when a is no worse than b in every objective and strictly better in one. */
export function dominates(a: Objectives, b: Objectives): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/** Fast non-dominated sort: fronts of indices, front 0 = non-dominated; each front in ascending index order. */
export function nonDominatedSort(objectives: readonly Objectives[]): number[][] {
  const n = objectives.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []);
  const dominationCount = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      if (dominates(objectives[p], objectives[q])) {
        dominatedBy[p].push(q);
        dominationCount[q]++;
      } else if (dominates(objectives[q], objectives[p])) {
        dominatedBy[q].push(p);
        dominationCount[p]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current = Array.from({ length: n }, (_, i) => i).filter((i) => dominationCount[i] === 0);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const p of current) {
      for (const q of dominatedBy[p]) if (--dominationCount[q] === 0) next.push(q);
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/**
 * Crowding distance of each member of one front (same order as `front`): per objective, sort the front and add
 * the normalised gap between each member's neighbours; the extremes get Infinity so they always survive.
 */
export function crowdingDistance(objectives: readonly Objectives[], front: readonly number[]): Float64Array {
  const distance = new Float64Array(front.length);
  if (front.length === 0) return distance;
  const m = objectives[front[0]].length;
  for (let k = 0; k < m; k++) {
    // Stable sort by objective k, ties by position, so the result is deterministic.
    const order = Array.from(front.keys()).sort(
      (a, b) => objectives[front[a]][k] - objectives[front[b]][k] || a - b,
    );
    const lo = objectives[front[order[0]]][k];
    const hi = objectives[front[order[order.length - 1]]][k];
    distance[order[0]] = Infinity;
    distance[order[order.length - 1]] = Infinity;
    if (hi === lo) continue;
    for (let i = 1; i < order.length - 1; i++) {
      distance[order[i]] +=
        (objectives[front[order[i + 1]]][k] - objectives[front[order[i - 1]]][k]) / (hi - lo);
    }
  }
  return distance;
}

/** Rank (front number) and crowding distance of every individual, for the crowded-comparison order. */
export interface CrowdedRanking {
  readonly rank: Int32Array;
  readonly crowding: Float64Array;
  readonly fronts: number[][];
}

/** Sorts a population into fronts and computes each individual's crowding distance within its front. */
export function crowdedRanking(objectives: readonly Objectives[]): CrowdedRanking {
  const fronts = nonDominatedSort(objectives);
  const rank = new Int32Array(objectives.length);
  const crowding = new Float64Array(objectives.length);
  fronts.forEach((front, r) => {
    const dist = crowdingDistance(objectives, front);
    front.forEach((i, j) => {
      rank[i] = r;
      crowding[i] = dist[j];
    });
  });
  return { rank, crowding, fronts };
}

/** The crowded-comparison order: lower rank first, then larger crowding distance (true if a beats b). */
export function crowdedBetter(ranking: CrowdedRanking, a: number, b: number): boolean {
  if (ranking.rank[a] !== ranking.rank[b]) return ranking.rank[a] < ranking.rank[b];
  return ranking.crowding[a] > ranking.crowding[b];
}

/**
 * NSGA-II survivor selection: whole fronts in order while they fit, then the last front's members with the
 * largest crowding distance (ties by index). Returns the chosen indices.
 */
export function selectSurvivors(objectives: readonly Objectives[], count: number): number[] {
  const { fronts } = crowdedRanking(objectives);
  const chosen: number[] = [];
  for (const front of fronts) {
    if (chosen.length + front.length <= count) {
      chosen.push(...front);
      continue;
    }
    const dist = crowdingDistance(objectives, front);
    const order = Array.from(front.keys()).sort((a, b) => dist[b] - dist[a] || a - b);
    for (const j of order.slice(0, count - chosen.length)) chosen.push(front[j]);
    break;
  }
  return chosen;
}
