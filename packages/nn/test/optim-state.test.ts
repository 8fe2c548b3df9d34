import { tensor } from '@gqa-lab/autograd';
import { Rng } from '@gqa-lab/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AdamW,
  LayerNorm,
  Linear,
  Module,
  type Optimizer,
  Parameter,
  paramGroupsForDecay,
  SGD,
} from '../src/index';

class Net extends Module {
  fc = new Linear(3, 4, { rng: new Rng(1) });
  norm = new LayerNorm(4);
  head = new Linear(4, 2, { rng: new Rng(2) });
}

function randomGrads(params: Parameter[], rng: Rng): void {
  for (const p of params) {
    p.grad = tensor(
      Float32Array.from({ length: p.size }, () => rng.normal()),
      { shape: [...p.shape] },
    );
  }
}

function bytes(params: Parameter[]): number[][] {
  return params.map((p) => Array.from(new Uint8Array(Float32Array.from(p.data.values()).buffer)));
}

type AnyOptimizer = Optimizer<{ lr: number }, Record<string, number | Float32Array | Float64Array>>;

function makers(): [string, (params: Parameter[]) => AnyOptimizer][] {
  return [
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.01, amsgrad: true })],
    ['SGD', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ];
}

describe('optimizer state dicts', () => {
  for (const [name, make] of makers()) {
    it(`${name}: k steps, state dict into a fresh optimizer, more steps == uninterrupted (property)`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 0, max: 3 }),
          fc.integer(),
          (k, rest, seed) => {
            const a = [new Parameter(tensor([1, 2, 3]).data), new Parameter(tensor([[0.5, -1]]).data)];
            const b = a.map((p) => new Parameter(p.data.clone()));
            const rngA = new Rng(seed);
            const rngB = new Rng(seed);
            const optA = make(a);
            let optB = make(b);
            for (let i = 0; i < k + rest; i++) {
              randomGrads(a, rngA);
              optA.step();
            }
            for (let i = 0; i < k; i++) {
              randomGrads(b, rngB);
              optB.step();
            }
            const sd = optB.stateDict();
            optB = make(b);
            optB.loadStateDict(sd);
            for (let i = 0; i < rest; i++) {
              randomGrads(b, rngB);
              optB.step();
            }
            expect(bytes(b)).toEqual(bytes(a));
          },
        ),
        { numRuns: 25 },
      );
    });
  }

  it('stateDict is a snapshot: later steps do not change it', () => {
    const p = new Parameter(tensor([1, 2]).data);
    const opt = new AdamW([p]);
    randomGrads([p], new Rng(0));
    opt.step();
    const sd = opt.stateDict();
    const before = JSON.stringify(
      [...sd.state].map(([i, s]) => [
        i,
        Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v)]),
      ]),
    );
    opt.step();
    const after = JSON.stringify(
      [...sd.state].map(([i, s]) => [
        i,
        Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v)]),
      ]),
    );
    expect(after).toBe(before);
    expect(sd.state.get(0)?.step).toBe(1);
  });

  it('restores group hyper-parameters and rejects mismatched state', () => {
    const p = new Parameter(tensor([1, 2]).data);
    const opt = new AdamW([p], { lr: 0.5, weightDecay: 0.2 });
    randomGrads([p], new Rng(0));
    opt.step();
    const sd = opt.stateDict();
    const fresh = new AdamW([new Parameter(tensor([1, 2]).data)], { lr: 1 });
    fresh.loadStateDict(sd);
    expect(fresh.paramGroups[0].lr).toBe(0.5);
    expect(fresh.paramGroups[0].weightDecay).toBe(0.2);
    const wrongSize = new AdamW([new Parameter(tensor([1, 2, 3]).data)]);
    expect(() => wrongSize.loadStateDict(sd)).toThrow(
      /AdamW.loadStateDict: state 0.expAvg must hold 3 values/,
    );
    const twoGroups = new AdamW([
      { params: [new Parameter(tensor([1]).data)] },
      { params: [new Parameter(tensor([1]).data)] },
    ]);
    expect(() => twoGroups.loadStateDict(sd)).toThrow(/1 saved groups, but the optimizer has 2/);
    const missing = { ...sd, state: new Map([[0, { step: 1 }]]) };
    expect(() => new AdamW([new Parameter(tensor([1, 2]).data)]).loadStateDict(missing)).toThrow(
      /lacks field expAvg/,
    );
  });
});

describe('parameter groups', () => {
  it('paramGroupsForDecay leaves biases and rank-1 params out of decay, and skips frozen ones', () => {
    const net = new Net();
    net.head.bias?.requiresGrad_(false);
    const [decay, noDecay] = paramGroupsForDecay(net, 0.05);
    expect(decay.weightDecay).toBe(0.05);
    expect(decay.params).toEqual([net.fc.weight, net.head.weight]);
    expect(noDecay.weightDecay).toBe(0);
    expect(noDecay.params).toEqual([net.fc.bias, net.norm.weight, net.norm.bias]);
  });

  it('each group steps with its own hyper-parameters; setLr honours lrScale', () => {
    const a = new Parameter(tensor([1]).data);
    const b = new Parameter(tensor([1]).data);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, lrScale: 0.1 }], { lr: 0.1 });
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    expect(a.data.values()[0]).toBeCloseTo(0.9, 6);
    expect(b.data.values()[0]).toBeCloseTo(0.5, 6);
    opt.setLr(2);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([2, 0.2]);
  });

  it('a parameter may not appear in two groups', () => {
    const a = new Parameter(tensor([1]).data);
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 1 })).toThrow(/more than one group/);
  });
});
