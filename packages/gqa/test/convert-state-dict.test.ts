// Whole-model conversion of a timm-style state dict: fused [Q | K | V] rows in, grouped fused rows out.
import { type NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalAssignment, convertAttention, convertStateDict } from '../src/convert';
import { type AttentionWeights, fuseQkv } from '../src/weights';
import { randomArray, randomMha } from './fixtures/convert/arbitraries';

const f32 = (a: NDArray | null) => (a ? a.astype('float32') : null);
function toFloat32(w: AttentionWeights): AttentionWeights {
  return {
    wq: w.wq.astype('float32'),
    bq: f32(w.bq),
    wk: w.wk.astype('float32'),
    bk: f32(w.bk),
    wv: w.wv.astype('float32'),
    bv: f32(w.bv),
    wo: w.wo.astype('float32'),
    bo: f32(w.bo),
  };
}

const flat = (a: NDArray | null | undefined) => (a ? Array.from(a.values()) : null);

describe('convertStateDict', () => {
  it('rewrites each block into [Q | K (G·d) | V (G·d)] equal to convertAttention, and passes other keys through', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 2 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.boolean(),
        fc.boolean(),
        (numHeads, headDim, ids, keepFirst, bias) => {
          // Each block has its own weights and assignment (ids canonicalised to valid groups).
          const cases = ids.map((row, i) => ({
            numHeads,
            headDim,
            tokens: 1,
            bias,
            seed: 7 + i,
            assignment: canonicalAssignment(row.slice(0, numHeads)),
          }));
          const assignments = cases.map((c, i) => (keepFirst && i === 0 ? null : c.assignment));
          const sd = new Map<string, NDArray>();
          const other = randomArray(new Rng(9), [3]);
          sd.set('cls_token', other);
          // fuseQkv stores float32, so the blocks are float32 from the start.
          const mhas = cases.map((c) => toFloat32(randomMha(c)));
          mhas.forEach((m, i) => {
            const fused = fuseQkv(m.wq, m.wk, m.wv, m.bq, m.bk, m.bv);
            sd.set(`blocks.${i}.attn.qkv.weight`, fused.weight);
            if (fused.bias) sd.set(`blocks.${i}.attn.qkv.bias`, fused.bias);
            sd.set(`blocks.${i}.attn.proj.weight`, m.wo);
            if (m.bo) sd.set(`blocks.${i}.attn.proj.bias`, m.bo);
          });
          const { stateDict, layers: info } = convertStateDict(sd, {
            numHeads,
            depth: cases.length,
            assignments,
          });
          expect(stateDict.get('cls_token')).toBe(other);
          expect([...stateDict.keys()].sort()).toEqual([...sd.keys()].sort());
          mhas.forEach((m, i) => {
            const a = assignments[i];
            const expected = convertAttention(m, {
              numHeads,
              assignment: a ?? Int32Array.from({ length: numHeads }, (_, h) => h),
            });
            const w = expected.weights;
            const fused = fuseQkv(w.wq, w.wk, w.wv, w.bq, w.bk, w.bv);
            const c = numHeads * headDim;
            const qkv = stateDict.get(`blocks.${i}.attn.qkv.weight`);
            expect(qkv?.shape).toEqual([c + 2 * expected.numGroups * headDim, c]);
            expect(flat(qkv)).toEqual(flat(fused.weight));
            expect(flat(stateDict.get(`blocks.${i}.attn.qkv.bias`))).toEqual(flat(fused.bias));
            expect(flat(stateDict.get(`blocks.${i}.attn.proj.weight`))).toEqual(flat(w.wo));
            expect(Array.from(info[i].kvHead)).toEqual(Array.from(expected.kvHead));
            if (a === null) {
              // A layer left MHA is bit-identical to its input.
              expect(flat(qkv)).toEqual(flat(sd.get(`blocks.${i}.attn.qkv.weight`)));
            }
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('groups, a custom prefix, and clear errors for missing keys and wrong list lengths', () => {
    const c = {
      numHeads: 4,
      headDim: 2,
      tokens: 1,
      assignment: Int32Array.of(0, 1, 2, 3),
      bias: false,
      seed: 4,
    };
    const m = randomMha(c);
    const fused = fuseQkv(m.wq, m.wk, m.wv, null, null, null);
    const sd = new Map<string, NDArray>([
      ['enc.0.qkv.weight', fused.weight],
      ['enc.0.proj.weight', m.wo],
    ]);
    const out = convertStateDict(sd, { numHeads: 4, depth: 1, prefix: 'enc.{i}.', groups: 2 });
    expect(out.stateDict.get('enc.0.qkv.weight')?.shape).toEqual([8 + 2 * 2 * 2, 8]);
    expect(Array.from(out.layers[0].kvHead)).toEqual([0, 0, 1, 1]);
    expect(() => convertStateDict(sd, { numHeads: 4, depth: 2, prefix: 'enc.{i}.', groups: 2 })).toThrow(
      /missing key 'enc.1.qkv.weight'/,
    );
    expect(() => convertStateDict(sd, { numHeads: 4, depth: 1, prefix: 'enc.{i}.', groups: 3 })).toThrow(
      /H = 4.*G = 3/,
    );
    expect(() =>
      convertStateDict(sd, { numHeads: 4, depth: 1, prefix: 'enc.{i}.', assignments: [] }),
    ).toThrow(/assignments has 0 entries for depth 1/);
  });
});
