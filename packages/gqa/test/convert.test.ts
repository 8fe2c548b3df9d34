// MHA -> grouped conversion of one layer: exactness on already-shared heads, WGQA's uniform init equals mean
// pooling, the query permutation for non-contiguous groups, and the errors.
import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConversionMethod,
  convertAttention,
  meanPoolAssignment,
  uniformHeadWeights,
  validateAssignment,
} from '../src/convert';
import type { AttentionWeights } from '../src/weights';
import { expectClose, layerCase, randomArray, randomMha, randomTokens } from './fixtures/convert/arbitraries';
import { referenceAttention } from './fixtures/convert/reference-attention';

const identity = (h: number) => Int32Array.from({ length: h }, (_, i) => i);

/** Grouped K or V by plain loops: group g's rows = mean of its heads' rows (independent of the package). */
function directMean(rows: NDArray, assignment: Int32Array, d: number): NDArray {
  const cols = rows.rank === 2 ? rows.shape[1] : 1;
  const g = Math.max(...assignment) + 1;
  const out = new Float64Array(g * d * cols);
  const count = new Array<number>(g).fill(0);
  for (const a of assignment) count[a]++;
  assignment.forEach((grp, h) => {
    for (let i = 0; i < d * cols; i++) out[grp * d * cols + i] += rows.data[h * d * cols + i] / count[grp];
  });
  return NDArray.of(out, rows.rank === 2 ? [g * d, cols] : [g * d]);
}

describe('convertAttention', () => {
  it.each<ConversionMethod>(['mean', 'first', 'weighted'])(
    '%s: an MHA layer whose K / V heads are equal within each group keeps its output',
    (method) => {
      fc.assert(
        fc.property(layerCase, fc.integer({ min: 0, max: 1000 }), (c, wseed) => {
          const mha = randomMha(c, c.assignment);
          // Any weights that sum to one per group reproduce a tied group exactly.
          const rng = new Rng(wseed);
          const raw = Array.from({ length: c.numHeads }, () => rng.uniform(0.1, 2));
          const sums = new Array<number>(c.numHeads).fill(0);
          c.assignment.forEach((g, h) => {
            sums[g] += raw[h];
          });
          const w = Float64Array.from(raw, (r, h) => r / sums[c.assignment[h]]);
          const converted = convertAttention(mha, {
            numHeads: c.numHeads,
            assignment: c.assignment,
            method,
            headWeights: method === 'weighted' ? { k: w, v: w } : undefined,
          });
          const x = randomTokens(c);
          const before = referenceAttention(mha, x, c.numHeads, identity(c.numHeads));
          const after = referenceAttention(converted.weights, x, c.numHeads, converted.kvHead);
          expectClose(after, before, 1e-9);
        }),
        { numRuns: 150 },
      );
    },
  );

  it('weighted with the default (uniform) weights equals mean pooling', () => {
    fc.assert(
      fc.property(layerCase, (c) => {
        const mha = randomMha(c);
        const opts = { numHeads: c.numHeads, assignment: c.assignment };
        const mean = convertAttention(mha, { ...opts, method: 'mean' }).weights;
        const byDefault = convertAttention(mha, { ...opts, method: 'weighted' }).weights;
        const explicit = convertAttention(mha, {
          ...opts,
          method: 'weighted',
          headWeights: uniformHeadWeights(c.assignment, c.numHeads),
        }).weights;
        for (const w of [byDefault, explicit]) {
          for (const key of ['wk', 'wv', 'bk', 'bv'] as const) {
            const a = w[key];
            const b = mean[key];
            if (a === null || b === null) {
              expect(a).toBe(b);
              continue;
            }
            expect(a.shape).toEqual(b.shape);
            const bv = b.values();
            a.values().forEach((v, i) => {
              expect(Math.abs(v - bv[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(bv[i])));
            });
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a non-contiguous assignment, permuted to contiguous groups, equals the direct grouped computation', () => {
    fc.assert(
      fc.property(layerCase, (c) => {
        const mha = randomMha(c);
        const d = c.headDim;
        const converted = convertAttention(mha, { numHeads: c.numHeads, assignment: c.assignment });
        // The direct computation: original Q / proj, grouped K / V, query h reads group assignment[h].
        const direct: AttentionWeights = {
          ...mha,
          wk: directMean(mha.wk, c.assignment, d),
          wv: directMean(mha.wv, c.assignment, d),
          bk: mha.bk && directMean(mha.bk, c.assignment, d),
          bv: mha.bv && directMean(mha.bv, c.assignment, d),
        };
        const x = randomTokens(c);
        expectClose(
          referenceAttention(converted.weights, x, c.numHeads, converted.kvHead),
          referenceAttention(direct, x, c.numHeads, c.assignment),
          1e-9,
        );
        // The map it returns is contiguous ranges in group order with the group sizes.
        const sizes = Array.from(converted.groupSizes);
        const expectedMap = sizes.flatMap((n, g) => new Array<number>(n).fill(g));
        expect(Array.from(converted.kvHead)).toEqual(expectedMap);
        expect([...converted.queryPermutation].sort((a, b) => a - b)).toEqual(
          Array.from(identity(c.numHeads)),
        );
        expect(converted.weights.wk.shape).toEqual([converted.numGroups * d, c.numHeads * d]);
      }),
      { numRuns: 150 },
    );
  });

  it('permuteQueries: false keeps Q / proj in place and returns the assignment as the map', () => {
    fc.assert(
      fc.property(layerCase, (c) => {
        const mha = randomMha(c);
        const converted = convertAttention(mha, {
          numHeads: c.numHeads,
          assignment: c.assignment,
          permuteQueries: false,
        });
        expect(Array.from(converted.kvHead)).toEqual(Array.from(c.assignment));
        expect(Array.from(converted.weights.wq.values())).toEqual(Array.from(mha.wq.values()));
        expect(Array.from(converted.weights.wo.values())).toEqual(Array.from(mha.wo.values()));
      }),
      { numRuns: 50 },
    );
  });

  it('permutes whole heads of wq / bq rows and wo columns (H = 4, assignment [1, 0, 1, 0])', () => {
    const c = {
      numHeads: 4,
      headDim: 1,
      tokens: 1,
      assignment: Int32Array.of(1, 0, 1, 0),
      bias: true,
      seed: 3,
    };
    const mha = randomMha(c);
    const out = convertAttention(mha, { numHeads: 4, assignment: c.assignment });
    expect(Array.from(out.queryPermutation)).toEqual([1, 3, 0, 2]);
    expect(Array.from(out.kvHead)).toEqual([0, 0, 1, 1]);
    const perm = [1, 3, 0, 2];
    for (let i = 0; i < 4; i++) {
      expect(out.weights.bq?.get(i)).toBe(mha.bq?.get(perm[i]));
      for (let col = 0; col < 4; col++) {
        expect(out.weights.wq.get(i, col)).toBe(mha.wq.get(perm[i], col));
        expect(out.weights.wo.get(col, i)).toBe(mha.wo.get(col, perm[i]));
      }
    }
    // Group 0 = heads {1, 3}; 'first' keeps head 1, 'mean' averages heads 1 and 3.
    const first = convertAttention(mha, { numHeads: 4, assignment: c.assignment, method: 'first' });
    expect(first.weights.wk.get(0, 2)).toBe(mha.wk.get(1, 2));
    expect(out.weights.wk.get(0, 2)).toBeCloseTo((mha.wk.get(1, 2) + mha.wk.get(3, 2)) / 2, 14);
  });

  it('groups: G is contiguous mean pooling and keeps float32', () => {
    const rng = new Rng(1);
    const f32 = (shape: number[]) => randomArray(rng, shape).astype('float32');
    const mha: AttentionWeights = {
      wq: f32([6, 6]),
      bq: null,
      wk: f32([6, 6]),
      bk: f32([6]),
      wv: f32([6, 6]),
      bv: f32([6]),
      wo: f32([6, 6]),
      bo: null,
    };
    const out = convertAttention(mha, { numHeads: 3, groups: 1 });
    expect(out.weights.wk.dtype).toBe('float32');
    expect(out.weights.wk.shape).toEqual([2, 6]);
    expect(out.weights.bk?.get(1)).toBeCloseTo((mha.bk!.get(1) + mha.bk!.get(3) + mha.bk!.get(5)) / 3, 6);
    expect(Array.from(out.kvHead)).toEqual([0, 0, 0]);
    expect(Array.from(out.queryPermutation)).toEqual([0, 1, 2]);
    expect(Array.from(meanPoolAssignment(6, 3))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('rejects bad groupings and shapes with messages that name them', () => {
    const c = {
      numHeads: 6,
      headDim: 1,
      tokens: 1,
      assignment: meanPoolAssignment(6, 2),
      bias: false,
      seed: 0,
    };
    const mha = randomMha(c);
    expect(() => convertAttention(mha, { numHeads: 6, groups: 4 })).toThrow(/H = 6, G = 4/);
    expect(() => meanPoolAssignment(6, 4)).toThrow(/H = 6.*G = 4/);
    expect(() => convertAttention(mha, { numHeads: 6, assignment: [0, 2, 2, 0, 0, 0] })).toThrow(
      /group 1 is empty/,
    );
    expect(() => convertAttention(mha, { numHeads: 6, assignment: [0, 1, 0] })).toThrow(/3 entries.*H = 6/);
    expect(() => convertAttention(mha, { numHeads: 6, assignment: [0, 1, 0, 1, 0, -1] })).toThrow(
      /head 5 has group id -1/,
    );
    expect(() => convertAttention(mha, { numHeads: 6, assignment: [0, 1, 0, 1, 0, 0.5] })).toThrow(/head 5/);
    expect(() => convertAttention(mha, { numHeads: 6 })).toThrow(/assignment.*groups/);
    expect(() => convertAttention(mha, { numHeads: 6, groups: 2, assignment: c.assignment })).toThrow(
      /not both/,
    );
    expect(() => convertAttention(mha, { numHeads: 4, groups: 2 })).toThrow(/C = 6.*H = 4/);
    expect(() =>
      convertAttention({ ...mha, wk: mha.wk.slice([{ start: 0, stop: 3 }]) }, { numHeads: 6, groups: 2 }),
    ).toThrow(/wk must be \[6, 6\], got \[3, 6\]/);
    expect(() =>
      convertAttention(mha, { numHeads: 6, groups: 2, method: 'weighted', headWeights: { k: [1], v: [1] } }),
    ).toThrow(/headWeights.k has 1 entries, H = 6/);
    expect(() => convertAttention(mha, { numHeads: 6, groups: 2, headWeights: { k: [], v: [] } })).toThrow(
      /only apply to method 'weighted'/,
    );
    expect(() => validateAssignment([0, 0], 3)).toThrow(/2 entries/);
  });
});
