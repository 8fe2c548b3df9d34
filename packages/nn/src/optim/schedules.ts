/**
 * Learning-rate schedules as pure functions `lr(step)`: no hidden state, so resuming only needs the
 * step number. Call `optimizer.setLr(schedule(step))` before each optimizer step.
 */

export type Schedule = (step: number) => number;

function checkStep(name: string, step: number): void {
  if (!Number.isInteger(step) || step < 0)
    throw new RangeError(`${name}: step must be a non-negative integer, got ${step}`);
}

/** lr at every step. */
export function constantSchedule(lr: number): Schedule {
  return (step) => {
    checkStep('constantSchedule', step);
    return lr;
  };
}

/** lr * gamma^floor(step / stepSize) (torch.optim.lr_scheduler.StepLR). */
export function stepSchedule(opts: { lr: number; stepSize: number; gamma?: number }): Schedule {
  const { lr, stepSize, gamma = 0.1 } = opts;
  if (!Number.isInteger(stepSize) || stepSize <= 0)
    throw new RangeError(`stepSchedule: stepSize must be a positive integer, got ${stepSize}`);
  return (step) => {
    checkStep('stepSchedule', step);
    return lr * gamma ** Math.floor(step / stepSize);
  };
}

export interface WarmupCosineOptions {
  /** Peak lr, reached at the end of the warmup. */
  lr: number;
  warmupSteps: number;
  /** Steps of the whole run; the lr is minLr from here on. */
  totalSteps: number;
  minLr?: number;
  /** lr at step 0 (default 0); rises linearly to `lr` at warmupSteps. */
  warmupStartLr?: number;
}

/** Linear warmup from warmupStartLr to lr, then half a cosine from lr down to minLr at totalSteps. */
export function warmupCosineSchedule(opts: WarmupCosineOptions): Schedule {
  const { lr, warmupSteps, totalSteps, minLr = 0, warmupStartLr = 0 } = opts;
  if (
    !Number.isInteger(warmupSteps) ||
    warmupSteps < 0 ||
    !Number.isInteger(totalSteps) ||
    totalSteps < warmupSteps
  )
    throw new RangeError(
      `warmupCosineSchedule: need integers 0 <= warmupSteps <= totalSteps, got ${warmupSteps} and ${totalSteps}`,
    );
  return (step) => {
    checkStep('warmupCosineSchedule', step);
    if (step < warmupSteps) return warmupStartLr + ((lr - warmupStartLr) * step) / warmupSteps;
    if (step >= totalSteps) return minLr;
    const progress = (step - warmupSteps) / (totalSteps - warmupSteps);
    return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
  };
}

export interface OneCycleOptions {
  maxLr: number;
  totalSteps: number;
  /** Fraction of the steps spent rising (default 0.3). */
  pctStart?: number;
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** final lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  anneal?: 'cos' | 'linear';
  /** Rise, fall back to the initial lr, then anneal to the final lr (default false). */
  threePhase?: boolean;
}

/** torch.optim.lr_scheduler.OneCycleLR's learning rate, with its defaults; defined for steps 0..totalSteps. */
export function oneCycleSchedule(opts: OneCycleOptions): Schedule {
  const { maxLr, totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = opts;
  if (!Number.isInteger(totalSteps) || totalSteps <= 0)
    throw new RangeError(`oneCycleSchedule: totalSteps must be a positive integer, got ${totalSteps}`);
  if (!(pctStart > 0 && pctStart < 1))
    throw new RangeError(`oneCycleSchedule: pctStart must be in (0, 1), got ${pctStart}`);
  const initial = maxLr / divFactor;
  const final = initial / finalDivFactor;
  const anneal =
    (opts.anneal ?? 'cos') === 'cos'
      ? (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (a: number, b: number, pct: number) => (b - a) * pct + a;
  const up = pctStart * totalSteps - 1;
  const phases = opts.threePhase
    ? [
        { end: up, from: initial, to: maxLr },
        { end: 2 * pctStart * totalSteps - 2, from: maxLr, to: initial },
        { end: totalSteps - 1, from: initial, to: final },
      ]
    : [
        { end: up, from: initial, to: maxLr },
        { end: totalSteps - 1, from: maxLr, to: final },
      ];
  return (step) => {
    checkStep('oneCycleSchedule', step);
    if (step > totalSteps)
      throw new RangeError(`oneCycleSchedule: step ${step} is past totalSteps ${totalSteps}`);
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const ph = phases[i];
      if (step <= ph.end || i === phases.length - 1)
        return anneal(ph.from, ph.to, (step - start) / (ph.end - start));
      start = ph.end;
    }
    return final;
  };
}
