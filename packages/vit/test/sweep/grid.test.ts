import { FileFormatError } from '@gqa-lab/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, configId, type JsonValue } from '../../src/sweep/cell-id';
import { expandGrid } from '../../src/sweep/grid';

const grid = (axes: Record<string, unknown>, fixed: Record<string, unknown> = {}) => ({ axes, fixed });

function errorOf(value: unknown): FileFormatError {
  try {
    expandGrid(value, 'grid.json');
  } catch (e) {
    if (e instanceof FileFormatError) return e;
    throw e;
  }
  throw new Error('expandGrid accepted the grid');
}

describe('expandGrid', () => {
  it('makes one cell per combination, MHA and MQA once whatever the KV-head axis, one MHA pretraining', () => {
    const plan = expandGrid(
      grid({ variant: ['mha', 'mqa', 'gqa', 'kdgqa'], kvHeads: [1, 2, 4], seed: [1, 2, 3] }),
      'g',
    );
    // gqa and kdgqa: 3 KV counts x 3 seeds each; mha and mqa: 3 seeds each.
    expect(plan.cells).toHaveLength(2 * 9 + 2 * 3);
    expect(new Set(plan.cells.map((c) => c.id)).size).toBe(plan.cells.length);
    expect(plan.mha).toHaveLength(1);
    for (const c of plan.cells) expect(c.mhaId).toBe(plan.mha[0].id);
    const mha = plan.cells.filter((c) => c.config.variant === 'mha');
    expect(mha.map((c) => c.config.kvHeads)).toEqual([8, 8, 8]); // the preset's query heads
    expect(plan.cells.filter((c) => c.config.variant === 'mqa').map((c) => c.config.kvHeads)).toEqual([
      1, 1, 1,
    ]);
  });

  it('pretrains once per (preset, dataset, pretraining seed): other fine-tuning axes share it', () => {
    const plan = expandGrid(
      grid(
        {
          variant: ['gqa'],
          kvHeads: [2],
          seed: [42], // one seed: the count below is of the other axes (uptrain's default runs three)
          epochs: [1, 2],
          lr: [1e-3, 3e-4],
          fidelity: ['reference', 'corrected'],
        },
        { pretrainSeed: 5 },
      ),
      'g',
    );
    expect(plan.cells).toHaveLength(8);
    expect(plan.mha).toHaveLength(1);
    expect(plan.mha[0].config.pretrainSeed).toBe(5);
    const two = expandGrid(grid({ variant: ['gqa'], dataset: ['fashion-mnist', 'data/other'] }), 'g');
    expect(two.mha).toHaveLength(2);
  });

  it('gives a cell the same id in every run and whatever the key order of the grid file, another id when a setting changes', () => {
    const a = expandGrid(grid({ variant: ['gqa'], seed: [1] }, { batchSize: 32, trainLimit: 100 }), 'g');
    const b = expandGrid(
      { fixed: { trainLimit: 100, batchSize: 32 }, axes: { seed: [1], variant: ['gqa'] } },
      'g',
    );
    expect(b.cells[0].id).toBe(a.cells[0].id);
    expect(a.cells[0].id).toMatch(/^[0-9a-f]{16}$/);
    const c = expandGrid(grid({ variant: ['gqa'], seed: [1] }, { batchSize: 32, trainLimit: 101 }), 'g');
    expect(c.cells[0].id).not.toBe(a.cells[0].id);
    expect(c.mha[0].id).not.toBe(a.mha[0].id);
    const d = expandGrid(
      grid({ variant: ['gqa'], seed: [1] }, { batchSize: 32, trainLimit: 100, window: 8 }),
      'g',
    );
    expect(d.cells[0].id).not.toBe(a.cells[0].id);
    expect(d.mha[0].id).toBe(a.mha[0].id); // the DGQA window does not change pretraining
  });

  it('names the file and key of every problem', () => {
    expect(errorOf(grid({ variant: ['gqa'], kvHeds: [2] })).message).toMatch(
      /^grid\.json: sweep grid: axes\.kvHeds: /,
    );
    expect(errorOf(grid({ variant: ['gqa', 'nope'] })).keyPath).toBe('axes.variant[1]');
    expect(errorOf(grid({ variant: [] })).message).toContain('axes.variant: must list at least one value');
    expect(errorOf(grid({ variant: ['gqa'], seed: [1, 1] })).message).toContain(
      'axes.seed: lists a value twice',
    );
    expect(errorOf(grid({ variant: ['gqa'] }, { batchSize: 0 })).keyPath).toBe('fixed.batchSize');
    expect(errorOf(grid({ variant: ['gqa'] }, { telemetry: 'yes' })).keyPath).toBe('fixed.telemetry');
    expect(errorOf({ axes: { variant: ['gqa'] }, extra: 1 }).keyPath).toBe('extra');
    expect(errorOf([]).message).toMatch(/^grid\.json: sweep grid: /);
    const kv = errorOf(grid({ variant: ['gqa'], kvHeads: [3] }));
    expect(kv.keyPath).toBe('axes.kvHeads');
    expect(kv.message).toContain('3 does not divide the 8 query heads of vit_micro_patch7_28');
    expect(kv.message).toContain('cell: variant gqa');
    const quirk = errorOf(grid({ variant: ['kdgqa'], kvHeads: [1], fidelity: ['reference'] }));
    expect(quirk.keyPath).toBe('axes.kvHeads');
  });
});

const json: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** The same object with its keys inserted in reverse order, recursively. */
function reversed(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(reversed);
  if (v !== null && typeof v === 'object') {
    // fromEntries defines own properties: an assignment `out['__proto__'] = x` would set the prototype
    // instead and drop the key (fast-check generates that key).
    return Object.fromEntries(
      Object.keys(v)
        .reverse()
        .map((k) => [k, reversed(v[k])]),
    );
  }
  return v;
}

describe('canonicalJson / configId', () => {
  it('does not depend on key order and parses back to an equal value', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(reversed(v))).toBe(canonicalJson(v));
        expect(configId(reversed(v))).toBe(configId(v));
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it('tells apart values that differ anywhere', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        expect(configId({ x: a })).not.toBe(configId({ x: b }));
      }),
    );
  });
});
