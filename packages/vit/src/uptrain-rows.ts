/**
 * An uptrain results document as sweep rows, so the uptrain report uses the sweep's statistics (groups over
 * seeds, paired differences from GQA). MHA and MQA, which uptrain runs once per seed and lists at every
 * KV-head count, become one row per seed at their real KV-head count.
 */
import type { SweepCellConfig, SweepRow } from './sweep-report/sweep-row';
import { sweepRowFromRun } from './sweep-report/sweep-row';
import type { UptrainResults } from './uptrain-results';

function field<T>(config: Record<string, unknown>, key: string, ok: (v: unknown) => v is T, fallback: T): T {
  const v = config[key];
  return ok(v) ? v : fallback;
}
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isSeeds = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every(isNumber);

/** One row per distinct run (variant, real KV heads, seed), ids 'variant/kvHeads/seed'. */
export function uptrainRows(results: UptrainResults): SweepRow[] {
  const cfg = results.config;
  const fidelity = cfg.fidelity === 'reference' ? 'reference' : 'corrected';
  const seeds = field(cfg, 'seeds', isSeeds, [0]);
  const rows = new Map<string, SweepRow>();
  for (const run of results.runs) {
    const fixed = run.variant === 'mha' || run.variant === 'mqa';
    const kvHeads = fixed ? Math.max(1, ...run.kvHeadsPerLayer) : run.kvHeads;
    const id = `${run.variant}/${kvHeads}/${run.seed}`;
    if (rows.has(id)) continue;
    const config: SweepCellConfig = {
      variant: run.variant,
      kvHeads,
      seed: run.seed,
      pretrainSeed: seeds[0],
      fidelity,
      preset: field(cfg, 'preset', isString, '?'),
      dataset: results.dataset.name,
      epochs: field(cfg, 'epochs', isNumber, run.history.length),
      lr: field(cfg, 'lr', isNumber, 0),
      settings: {},
    };
    rows.set(id, sweepRowFromRun(id, 'mha', config, results.pretrain, run));
  }
  return [...rows.values()];
}
