// AsymGQA (our reading): cosine similarity of centred key activations + greedy average-linkage merging.
import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalAssignment, validateAssignment } from '../src/convert';
import { agglomerativeGrouping, asymGqaGrouping, keyActivationSimilarity } from '../src/search';

/**
 * Keys (H, N, d): head h is a noisy copy of prototype protoOf[h], scaled and shifted by a per-head constant
 * (neither changes attention, so neither may change the grouping).
 */
function prototypeKeys(
  protoOf: readonly number[],
  numProtos: number,
  n: number,
  d: number,
  noise: number,
  seed: number,
) {
  const rng = new Rng(seed);
  const protos = Array.from({ length: numProtos }, () =>
    Float64Array.from({ length: n * d }, () => rng.normal()),
  );
  const out = new Float64Array(protoOf.length * n * d);
  protoOf.forEach((p, h) => {
    const scale = rng.uniform(0.5, 2);
    const shift = Array.from({ length: d }, () => rng.normal(0, 3));
    for (let i = 0; i < n * d; i++) {
      out[h * n * d + i] = scale * (protos[p][i] + noise * rng.normal()) + shift[i % d];
    }
  });
  return NDArray.of(out, [protoOf.length, n, d]);
}

const protoLayout = fc
  .record({
    sizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ sizes, seed }) => {
    const protoOf = new Rng(seed).shuffle(sizes.flatMap((s, p) => new Array<number>(s).fill(p)));
    return { protoOf, numProtos: sizes.length, maxSize: Math.max(...sizes), seed };
  });

describe('AsymGQA grouping', () => {
  it('groups noisy, scaled, shifted copies of G prototypes by prototype, with unequal sizes', () => {
    fc.assert(
      fc.property(protoLayout, fc.boolean(), ({ protoOf, numProtos, maxSize, seed }, capped) => {
        const keys = prototypeKeys(protoOf, numProtos, 16, 4, 0.2, seed);
        const result = asymGqaGrouping(keys, {
          numGroups: numProtos,
          maxGroupSize: capped ? maxSize : undefined,
        });
        expect(Array.from(result.assignment)).toEqual(Array.from(canonicalAssignment(protoOf)));
        expect(Array.from(result.groupSizes).reduce((a, b) => a + b, 0)).toBe(protoOf.length);
      }),
      { numRuns: 150 },
    );
  });

  it('always returns a valid assignment with exactly G groups within maxGroupSize, deterministically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        (h, gRaw, seed) => {
          const g = 1 + (gRaw % h);
          const rng = new Rng(seed);
          const keys = NDArray.of(
            Float64Array.from({ length: h * 5 * 2 }, () => rng.normal()),
            [h, 5, 2],
          );
          const a = asymGqaGrouping(keys, { numGroups: g });
          const layout = validateAssignment(a.assignment, h);
          expect(layout.numGroups).toBe(g);
          expect(Array.from(asymGqaGrouping(keys, { numGroups: g }).assignment)).toEqual(
            Array.from(a.assignment),
          );
          // A cap of ceil(H / G) + 1 either succeeds within it or names where it got stuck.
          const cap = Math.ceil(h / g) + 1;
          try {
            const capped = asymGqaGrouping(keys, { numGroups: g, maxGroupSize: cap });
            expect(Math.max(...capped.groupSizes)).toBeLessThanOrEqual(cap);
            expect(capped.groupSizes.length).toBe(g);
          } catch (e) {
            expect(String(e)).toMatch(/stuck at \d+ groups of sizes/);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('similarity: (B, H, T, d) equals (H, B·T, d); invariant to per-head scale and offset; 0 for constant keys', () => {
    const rng = new Rng(2);
    const bhtd = NDArray.of(
      Float64Array.from({ length: 2 * 3 * 4 * 2 }, () => rng.normal()),
      [2, 3, 4, 2],
    );
    const hnd = bhtd.permute([1, 0, 2, 3]).reshape([3, 8, 2]);
    expect(Array.from(keyActivationSimilarity(bhtd))).toEqual(Array.from(keyActivationSimilarity(hnd)));
    const shifted = NDArray.of(
      Float64Array.from(hnd.values(), (v, i) => (i < 16 ? 3 * v + 5 : v)),
      [3, 8, 2],
    );
    const s0 = keyActivationSimilarity(hnd);
    const s1 = keyActivationSimilarity(shifted);
    s0.forEach((v, i) => {
      expect(s1[i]).toBeCloseTo(v, 12);
    });
    const constant = NDArray.of(
      Float64Array.from({ length: 2 * 3 * 1 }, (_, i) => (i < 3 ? 7 : i)),
      [2, 3, 1],
    );
    expect(Array.from(keyActivationSimilarity(constant))).toEqual([1, 0, 0, 1]);
  });

  it('average linkage on a hand-made similarity, and clear errors', () => {
    // Heads 0-1 and 2-3 are close pairs, 4 is closer to the 2-3 pair on average than to 0-1.
    const s = [
      [1, 0.9, 0, 0, 0],
      [0.9, 1, 0, 0, 0.1],
      [0, 0, 1, 0.8, 0.5],
      [0, 0, 0.8, 1, 0.4],
      [0, 0.1, 0.5, 0.4, 1],
    ].flat();
    expect(Array.from(agglomerativeGrouping(s, 5, { numGroups: 2 }))).toEqual([0, 0, 1, 1, 1]);
    expect(Array.from(agglomerativeGrouping(s, 5, { numGroups: 3 }))).toEqual([0, 0, 1, 1, 2]);
    expect(Array.from(agglomerativeGrouping(s, 5, { numGroups: 5 }))).toEqual([0, 1, 2, 3, 4]);
    expect(() => agglomerativeGrouping(s, 5, { numGroups: 2, maxGroupSize: 2 })).toThrow(
      /2 groups of at most 2 heads/,
    );
    expect(() => agglomerativeGrouping(s, 5, { numGroups: 0 })).toThrow(
      /numGroups must be in \[1, 5\], got 0/,
    );
    expect(() => agglomerativeGrouping(s, 4, { numGroups: 2 })).toThrow(/25 entries, expected H\^2 = 16/);
    // Three tight pairs with a cap of 3 and G = 2: greedy merges the pairs and cannot go on.
    const pairs = Array.from({ length: 36 }, (_, k) => {
      const [i, j] = [Math.floor(k / 6), k % 6];
      return i === j ? 1 : Math.floor(i / 2) === Math.floor(j / 2) ? 0.9 : 0;
    });
    expect(() => agglomerativeGrouping(pairs, 6, { numGroups: 2, maxGroupSize: 3 })).toThrow(
      /stuck at 3 groups of sizes \[2, 2, 2\]/,
    );
    expect(() => keyActivationSimilarity(NDArray.of(new Float64Array(4), [4]))).toThrow(/\(H, N, d\)/);
  });
});
