// QCQA: the objectives against brute force, NSGA-II's sorting, and the search against exhaustive enumeration.
import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateAssignment } from '../src/convert';
import {
  crowdingDistance,
  dominates,
  headGram,
  nonDominatedSort,
  type QcqaCandidate,
  qcqaAcrossLayers,
  qcqaSearchLayer,
  qcqaSearchModel,
  weightSharingError,
} from '../src/search';

function randomProjections(seed: number, h: number, d: number, c: number) {
  const rng = new Rng(seed);
  const m = () =>
    NDArray.of(
      Float64Array.from({ length: h * d * c }, () => rng.normal()),
      [h * d, c],
    );
  return { wk: m(), wv: m() };
}

/** The definition, by loops: sum over K, V and groups of mean over members and weights of (w - group mean)^2. */
function bruteForceError(wk: NDArray, wv: NDArray, assignment: ArrayLike<number>, h: number): number {
  const n = wk.size / h;
  let total = 0;
  for (const w of [wk.values(), wv.values()]) {
    for (const g of new Set(Array.from(assignment))) {
      const heads = Array.from({ length: h }, (_, i) => i).filter((i) => assignment[i] === g);
      let sq = 0;
      for (let e = 0; e < n; e++) {
        let mean = 0;
        for (const i of heads) mean += w[i * n + e] / heads.length;
        for (const i of heads) sq += (w[i * n + e] - mean) ** 2;
      }
      total += sq / (heads.length * n);
    }
  }
  return total;
}

/** Every set partition of h heads as a restricted growth string (canonical assignment). */
function allAssignments(h: number): Int32Array[] {
  const out: Int32Array[] = [];
  const a = new Int32Array(h);
  const rec = (i: number, max: number) => {
    if (i === h) {
      out.push(Int32Array.from(a));
      return;
    }
    for (let g = 0; g <= max + 1; g++) {
      a[i] = g;
      rec(i + 1, Math.max(max, g));
    }
  };
  rec(0, -1);
  return out;
}

const key = (a: ArrayLike<number>) => Array.from(a).join(',');

function expectMutuallyNonDominated(front: readonly QcqaCandidate[]) {
  for (const a of front) {
    for (const b of front) {
      expect(dominates([a.numGroups, a.error], [b.numGroups, b.error])).toBe(false);
    }
  }
}

describe('QCQA objectives and NSGA-II', () => {
  it('weight-sharing error from the Gram matrix equals the brute-force definition', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 6, maxLength: 6 }),
        fc.integer(),
        (h, d, c, ids, seed) => {
          const { wk, wv } = randomProjections(seed, h, d, c);
          const a = ids.slice(0, h);
          const expected = bruteForceError(wk, wv, a, h);
          const got = weightSharingError(headGram(wk, wv, h), a);
          expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-10 * (1 + expected));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('non-dominated sorting: front 0 is mutually non-dominated, every later point is dominated by an earlier front', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { maxLength: 30 }),
        (points) => {
          const fronts = nonDominatedSort(points);
          expect(fronts.flat().sort((a, b) => a - b)).toEqual(points.map((_, i) => i));
          fronts.forEach((front, r) => {
            for (const i of front) {
              for (const j of front) expect(dominates(points[i], points[j])).toBe(false);
              if (r > 0) expect(fronts[r - 1].some((j) => dominates(points[j], points[i]))).toBe(true);
            }
            const dist = crowdingDistance(points, front);
            expect(dist.every((x) => x >= 0)).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('qcqaSearchLayer', () => {
  it('finds exactly the true Pareto front of all assignments for H = 4..6 (exhaustive enumeration)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 6 }),
        fc.integer(),
        fc.integer({ min: 0, max: 1000 }),
        (h, wseed, seed) => {
          const { wk, wv } = randomProjections(wseed, h, 2, 3);
          const all = allAssignments(h).map((a) => ({
            assignment: a,
            numGroups: new Set(a).size,
            error: bruteForceError(wk, wv, a, h),
          }));
          const truth = all.filter((p) =>
            all.every((q) => !dominates([q.numGroups, q.error], [p.numGroups, p.error])),
          );
          // Default budget (48 x 60), no GQA seeds: the search alone must reach every front point.
          const { front } = qcqaSearchLayer({ wk, wv }, h, { seed, seedWithGqa: false });
          expect(front.map((c) => key(c.assignment)).sort()).toEqual(
            truth.map((c) => key(c.assignment)).sort(),
          );
          expectMutuallyNonDominated(front);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('finds the MHA assignment (cache 1, error 0) and the single group for small H without seeding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer(), (h, seed) => {
        const { wk, wv } = randomProjections(seed, h, 1, 2);
        const { front } = qcqaSearchLayer({ wk, wv }, h, {
          seed,
          seedWithGqa: false,
          populationSize: 16,
          generations: 25,
        });
        const mha = front.find((c) => c.numGroups === h);
        expect(mha && key(mha.assignment)).toBe(key(Int32Array.from({ length: h }, (_, i) => i)));
        expect(mha?.kvCache).toBe(1);
        expect(mha?.error).toBe(0);
        const one = front.find((c) => c.numGroups === 1);
        expect(one && key(one.assignment)).toBe(key(new Int32Array(h)));
        expect(one?.kvCache).toBe(1 / h);
        for (const c of front) validateAssignment(c.assignment, h);
        expectMutuallyNonDominated(front);
      }),
      { numRuns: 15 },
    );
  });

  it('is deterministic for a seed, and a front on larger H stays mutually non-dominated', () => {
    const { wk, wv } = randomProjections(11, 12, 2, 4);
    const run = (seed: number) => qcqaSearchLayer({ wk, wv }, 12, { seed, generations: 15 });
    const a = run(5);
    const b = run(5);
    const asList = (r: typeof a) => r.front.map((c) => [key(c.assignment), c.error]);
    expect(asList(b)).toEqual(asList(a));
    expect(b.evaluated).toBe(a.evaluated);
    expectMutuallyNonDominated(a.front);
    expect(a.front.map((c) => c.numGroups)).toEqual(
      [...a.front.map((c) => c.numGroups)].sort((x, y) => x - y),
    );
  });

  it('rejects a bad population size', () => {
    const { wk, wv } = randomProjections(1, 4, 1, 1);
    expect(() => qcqaSearchLayer({ wk, wv }, 4, { populationSize: 1 })).toThrow(/populationSize.*got 1/);
    expect(() => qcqaSearchLayer({ wk, wv }, 3)).toThrow(/H = 3/);
  });
});

describe('qcqaAcrossLayers', () => {
  const candidate = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 20 })).map(
    ([g, e]): QcqaCandidate => ({
      assignment: new Int32Array(4),
      numGroups: g,
      kvCache: g / 4,
      error: e / 4,
    }),
  );

  it('equals the brute-force front over every combination of per-layer choices', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(candidate, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        (fronts) => {
          const result = qcqaAcrossLayers(fronts);
          // Brute force: all combinations, then the distinct non-dominated (groups, error) pairs.
          let combos: { g: number; e: number }[] = [{ g: 0, e: 0 }];
          for (const f of fronts)
            combos = combos.flatMap((c) => f.map((x) => ({ g: c.g + x.numGroups, e: c.e + x.error })));
          const truth = [
            ...new Set(
              combos
                .filter((p) => combos.every((q) => !dominates([q.g, q.e], [p.g, p.e])))
                .map((p) => `${p.g}:${p.e.toFixed(9)}`),
            ),
          ].sort();
          expect(result.map((r) => `${r.totalGroups}:${r.error.toFixed(9)}`).sort()).toEqual(truth);
          // Each point's totals are what its choices add up to.
          for (const r of result) {
            const g = fronts.reduce((s, f, l) => s + f[r.choice[l]].numGroups, 0);
            expect(r.totalGroups).toBe(g);
            expect(r.kvCache).toBe(g / (4 * fronts.length));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('qcqaSearchModel: deterministic, includes leaving every layer MHA, assignments valid', () => {
    const layers = [randomProjections(1, 4, 2, 3), randomProjections(2, 4, 2, 3)];
    const a = qcqaSearchModel(layers, 4, { seed: 3, generations: 10, populationSize: 12 });
    const b = qcqaSearchModel(layers, 4, { seed: 3, generations: 10, populationSize: 12 });
    expect(a.front.map((p) => [p.totalGroups, p.error])).toEqual(
      b.front.map((p) => [p.totalGroups, p.error]),
    );
    const top = a.front[a.front.length - 1];
    expect([top.totalGroups, top.kvCache, top.error]).toEqual([8, 1, 0]);
    expect(a.front[0].totalGroups).toBe(2);
    for (const p of a.front) for (const asg of p.assignments) validateAssignment(asg, 4);
    expect(() => qcqaAcrossLayers([])).toThrow(/no layers/);
    expect(() => qcqaAcrossLayers([[]])).toThrow(/layer 0 has no candidates/);
  });
});
