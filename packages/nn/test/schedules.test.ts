import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantSchedule, oneCycleSchedule, stepSchedule, warmupCosineSchedule } from '../src/index';

const lrArb = fc.double({ min: 1e-6, max: 10, noNaN: true });

describe('schedules', () => {
  it('constant is constant', () => {
    fc.assert(fc.property(lrArb, fc.nat(10_000), (lr, s) => constantSchedule(lr)(s) === lr));
  });

  it('step decays by gamma every stepSize steps and is constant in between', () => {
    fc.assert(
      fc.property(
        lrArb,
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.nat(500),
        (lr, stepSize, gamma, s) => {
          const f = stepSchedule({ lr, stepSize, gamma });
          expect(f(0)).toBe(lr);
          const k = Math.floor(s / stepSize);
          expect(f(k * stepSize)).toBe(f(s));
          expect(f((k + 1) * stepSize)).toBeCloseTo(f(s) * gamma, 12);
        },
      ),
    );
  });

  it('warmup + cosine: rises linearly to lr, then falls monotonically to minLr', () => {
    fc.assert(
      fc.property(
        lrArb,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (lr, warmup, decay, minFrac) => {
          const minLr = lr * minFrac;
          const total = warmup + decay;
          const f = warmupCosineSchedule({ lr, warmupSteps: warmup, totalSteps: total, minLr });
          expect(f(warmup)).toBeCloseTo(lr, 12);
          expect(f(total)).toBe(minLr);
          expect(f(total + 5)).toBe(minLr);
          if (warmup > 0) expect(f(0)).toBe(0);
          for (let s = 1; s <= warmup; s++) expect(f(s)).toBeGreaterThan(f(s - 1));
          for (let s = warmup + 1; s <= total; s++) expect(f(s)).toBeLessThanOrEqual(f(s - 1));
          // halfway through the decay the cosine is at the midpoint
          if (decay % 2 === 0) expect(f(warmup + decay / 2)).toBeCloseTo((lr + minLr) / 2, 12);
        },
      ),
    );
  });

  it('one-cycle matches torch OneCycleLR defaults: maxLr/25 -> maxLr at 30% -> maxLr/25/1e4 at the end', () => {
    fc.assert(
      fc.property(lrArb, fc.integer({ min: 10, max: 300 }), (maxLr, total) => {
        const f = oneCycleSchedule({ maxLr, totalSteps: total });
        expect(f(0)).toBeCloseTo(maxLr / 25, 12);
        expect(f(total - 1)).toBeCloseTo(maxLr / 25 / 1e4, 12);
        const peak = Math.floor(0.3 * total - 1);
        for (let s = 1; s <= peak; s++) expect(f(s)).toBeGreaterThanOrEqual(f(s - 1));
        for (let s = Math.ceil(0.3 * total - 1) + 1; s < total; s++)
          expect(f(s)).toBeLessThanOrEqual(f(s - 1));
        for (let s = 0; s < total; s++) expect(f(s)).toBeLessThanOrEqual(maxLr * (1 + 1e-12));
        expect(() => f(total + 1)).toThrow(/oneCycleSchedule: step/);
      }),
    );
  });

  it('one-cycle reproduces values torch prints for max_lr=1, total_steps=10', () => {
    // torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1, total_steps=10): phase 1 ends at step 2.0
    const f = oneCycleSchedule({ maxLr: 1, totalSteps: 10 });
    const cos = (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1);
    expect(f(1)).toBeCloseTo(cos(0.04, 1, 0.5), 15);
    expect(f(2)).toBeCloseTo(1, 15);
    expect(f(5)).toBeCloseTo(cos(1, 4e-6, 3 / 7), 15);
  });

  it('rejects bad arguments naming the schedule', () => {
    expect(() => stepSchedule({ lr: 1, stepSize: 0 })).toThrow(/stepSchedule/);
    expect(() => warmupCosineSchedule({ lr: 1, warmupSteps: 5, totalSteps: 3 })).toThrow(
      /warmupCosineSchedule/,
    );
    expect(() => constantSchedule(1)(-1)).toThrow(/constantSchedule: step/);
  });
});
