import { NDArray, Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Buffer,
  GELU,
  LayerNorm,
  Linear,
  MLP,
  Module,
  ModuleList,
  Sequential,
  summarize,
  summary,
} from '../src/index';

class Block extends Module {
  norm = new LayerNorm(4);
  mlp = new MLP(4, { hiddenFeatures: 8, rng: new Rng(3) });
  counter = new Buffer(NDArray.of(new Float32Array([0]), [1]));
  scratch = new Buffer(NDArray.of(new Float32Array([0]), [1]), false);
}

class Net extends Module {
  blocks = new ModuleList([new Block(), new Block()]);
  head = new Linear(4, 2, { rng: new Rng(4) });
  forward(x: import('@gqa-lab/autograd').Tensor) {
    let h = x;
    for (const b of this.blocks) h = b.mlp.forward(b.norm.forward(h));
    return this.head.forward(h);
  }
}

describe('Module state dicts', () => {
  it('names follow fields like timm (blocks.0.mlp.fc1.weight); non-persistent buffers are left out', () => {
    const keys = [...new Net().stateDict().keys()];
    expect(keys.slice(0, 7)).toEqual([
      'blocks.0.counter',
      'blocks.0.norm.weight',
      'blocks.0.norm.bias',
      'blocks.0.mlp.fc1.weight',
      'blocks.0.mlp.fc1.bias',
      'blocks.0.mlp.fc2.weight',
      'blocks.0.mlp.fc2.bias',
    ]);
    expect(keys).toContain('head.bias');
    expect(keys.some((k) => k.includes('scratch'))).toBe(false);
  });

  it('round-trips: load(stateDict of a differently seeded net) makes every tensor equal (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (s1, s2) => {
        const a = new Linear(3, 2, { rng: new Rng(s1) });
        const b = new Linear(3, 2, { rng: new Rng(s2) });
        const report = b.loadStateDict(a.stateDict());
        expect(report).toEqual({ missing: [], unexpected: [], mismatched: [] });
        for (const [k, v] of a.stateDict())
          expect(Array.from(b.stateDict().get(k)?.values() ?? [])).toEqual(Array.from(v.values()));
        // copies, not aliases: changing b leaves a alone
        b.weight.data.data[0] += 1;
        expect(b.weight.data.data[0]).not.toBe(a.weight.data.data[0]);
      }),
      { numRuns: 30 },
    );
  });

  it('reports missing, unexpected and mis-shaped keys; strict throws listing all of them', () => {
    const net = new Net();
    const sd = net.stateDict();
    sd.delete('head.bias');
    sd.set('extra.weight', NDArray.of(new Float32Array(1), [1]));
    sd.set('head.weight', NDArray.of(new Float32Array(12), [3, 4]));
    const report = new Net().loadStateDict(sd, { strict: false });
    expect(report.missing).toEqual(['head.bias']);
    expect(report.unexpected).toEqual(['extra.weight']);
    expect(report.mismatched).toEqual([{ key: 'head.weight', expected: [2, 4], got: [3, 4] }]);
    expect(() => new Net().loadStateDict(sd)).toThrow(
      'loadStateDict: missing: head.bias; unexpected: extra.weight; mis-shaped: head.weight (expected [2, 4], got [3, 4])',
    );
  });

  it('converts dtype on load (float64 file into a float32 model)', () => {
    const a = new Linear(2, 2, { rng: new Rng(1), dtype: 'float64' });
    const b = new Linear(2, 2, { rng: new Rng(2) });
    b.loadStateDict(a.stateDict());
    expect(b.weight.dtype).toBe('float32');
    expect(b.weight.data.values()[0]).toBeCloseTo(a.weight.data.values()[0], 6);
  });

  it('train/eval, freezing and parameter counts reach every descendant', () => {
    const net = new Net();
    net.eval();
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    const total = net.numParameters();
    expect(total).toBe(2 * (4 + 4 + 4 * 8 + 8 + 8 * 4 + 4) + 4 * 2 + 2);
    net.head.requiresGrad_(false);
    expect(net.numParameters(true)).toBe(total - 10);
  });
});

describe('summary', () => {
  it('lists layers with output shapes from a traced forward and total / trainable counts', () => {
    const net = new Net();
    net.blocks.at(1).requiresGrad_(false);
    const s = summarize(net, [5, 4]);
    const byName = new Map(s.rows.map((r) => [r.name, r]));
    expect(byName.get('blocks.0.mlp.fc1')?.outputShape).toEqual([5, 8]);
    expect(byName.get('head')?.outputShape).toEqual([5, 2]);
    expect(byName.get('')?.outputShape).toEqual([5, 2]);
    expect(byName.get('blocks.0.mlp.fc1')?.params).toBe(40);
    expect(s.totalParams).toBe(net.numParameters());
    expect(s.trainableParams).toBe(net.numParameters() - 84);
    // forward is restored to the class method afterwards
    expect(Object.hasOwn(net.head, 'forward')).toBe(false);
    const text = summary(net, [5, 4]);
    expect(text).toMatch(/head \(Linear\)\s+\[5, 2\]\s+10/);
    expect(text).toContain(`Total params: ${net.numParameters().toLocaleString('en-US')}`);
    expect(text).toContain('Non-trainable params: 84');
  });

  it('prints each class by its stated typeName, so a minifier renaming classes does not show', () => {
    // What a minified bundle does to class names: every class below is named 'e' at run time.
    const head = class e extends Linear {
      static override readonly typeName: string = 'ProjectionHead';
    };
    const plain = class e extends Module {
      head = new head(2, 3, { rng: new Rng(0) });
      linear = new Linear(3, 1, { rng: new Rng(1) });
    };
    const rows = summarize(new plain()).rows;
    expect(rows.map((r) => r.type)).toEqual(['e', 'ProjectionHead', 'Linear']);
    expect(new head(1, 1).constructor.name).toBe('e');
  });

  it('works without an input shape (no output shapes) and for Sequential', () => {
    const seq = new Sequential(
      new Linear(3, 4, { rng: new Rng(0) }),
      new GELU(),
      new Linear(4, 1, { rng: new Rng(1) }),
    );
    const text = summary(seq);
    expect(text).toMatch(/0 \(Linear\)\s+-\s+16/);
    expect(summarize(seq, [2, 3]).rows.map((r) => r.outputShape)).toEqual([
      [2, 1],
      [2, 4],
      [2, 4],
      [2, 1],
    ]);
  });
});
