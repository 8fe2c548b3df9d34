/**
 * One measured case = one benny suite with one case, so that each implementation runs alone (tfjs needs
 * its global backend switched between cases) and benny's per-sample statistics come back per case.
 */
import { add, suite } from 'benny';

/** Seconds per call: median and range over benny's samples (each sample is a mean over its calls). */
export interface Timing {
  readonly medianS: number;
  readonly minS: number;
  readonly maxS: number;
  readonly samples: number;
}

export interface CaseOptions {
  /** Fewest samples benny takes (default 5). */
  readonly minSamples?: number;
  /** Seconds benny may keep sampling once minSamples are in (default 1). */
  readonly maxTime?: number;
}

/**
 * Times `work` with benny after `setup` (called once per benny preparation); `work` must be synchronous.
 * Benny calls the returned function once while preparing, which doubles as a warm-up.
 */
export async function timeCase(name: string, work: () => void, opts: CaseOptions = {}): Promise<Timing> {
  const summary = await suite(
    name,
    add(name, () => work, {
      minSamples: opts.minSamples ?? 5,
      maxTime: opts.maxTime ?? 1,
      minTime: 0.05,
      initCount: 1,
    }),
  );
  const r = summary.results[0];
  if (!r) throw new Error(`timeCase: benny returned no result for "${name}"`);
  return {
    medianS: r.details.median,
    minS: r.details.min,
    maxS: r.details.max,
    samples: r.samples,
  };
}

/** Timing -> rate (e.g. GFLOP/s from FLOPs per call): median and range flip, the fastest sample gives the max rate. */
export function rate(t: Timing, perCall: number): { median: number; min: number; max: number } {
  return { median: perCall / t.medianS, min: perCall / t.maxS, max: perCall / t.minS };
}
