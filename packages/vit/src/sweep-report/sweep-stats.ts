/**
 * The sweep's statistics: cells grouped by everything in their config but the seeds (so a group is one
 * (variant, KV heads, ...) point replicated over seeds), the mean and 95 % interval of each group, and the
 * paired comparison of each variant against GQA at the same KV heads on the same seeds.
 */
import { type MeanInterval, meanInterval, type PairedComparison, pairedComparison } from '../stats/intervals';
import { describeKvHeads, UPTRAIN_VARIANTS, type UptrainVariant } from '../uptrain-results';
import type { SweepCellConfig, SweepRow } from './sweep-row';

/** Cells that differ only in their seeds. */
export interface CellGroup {
  key: string;
  /** The config of the first row (its seeds are those of that row only). */
  config: SweepCellConfig;
  /** The rows, ordered by seed. */
  rows: SweepRow[];
  /** KV heads the model really has: '4', or 'min-max (mean x)' per layer. */
  kvHeadsActual: string;
  /** The real KV heads averaged over layers (what charts plot on the KV-heads axis). */
  kvHeadsMean: number;
  kvBytesPerToken: number;
  params: number;
  accuracy: MeanInterval;
  converted: MeanInterval;
  loss: MeanInterval;
  trainSeconds: MeanInterval;
}

/** One variant against its baseline (GQA at the same KV heads), on the seeds both have. */
export interface PairedRow {
  group: CellGroup;
  baseline: CellGroup;
  /** Final accuracy, group minus baseline. */
  accuracy: PairedComparison;
  /** Accuracy right after conversion, group minus baseline. */
  converted: PairedComparison;
}

const seedKey = (c: SweepCellConfig) => `${c.seed}/${c.pretrainSeed}`;

/** The config without its seeds (and without the fields in `drop`), as a canonical string. */
export function configKey(c: SweepCellConfig, drop: readonly ('variant' | 'kvHeads')[] = []): string {
  const settings = Object.keys(c.settings)
    .sort()
    .map((k) => [k, c.settings[k]]);
  const fields: [string, unknown][] = [
    ['dataset', c.dataset],
    ['preset', c.preset],
    ['fidelity', c.fidelity],
    ['epochs', c.epochs],
    ['lr', c.lr],
    ['settings', settings],
    ['kvHeads', c.kvHeads],
    ['variant', c.variant],
  ];
  return JSON.stringify(fields.filter(([k]) => !drop.some((d) => d === k)));
}

const variantOrder = (v: UptrainVariant) => UPTRAIN_VARIANTS.indexOf(v);

/** Report order: the other settings, then KV heads, then the canonical variant order, then seeds, then id. */
export function compareRows(a: SweepRow, b: SweepRow): number {
  const ka = configKey(a.config, ['variant', 'kvHeads']);
  const kb = configKey(b.config, ['variant', 'kvHeads']);
  return (
    (ka < kb ? -1 : ka > kb ? 1 : 0) ||
    a.config.kvHeads - b.config.kvHeads ||
    variantOrder(a.config.variant) - variantOrder(b.config.variant) ||
    a.config.seed - b.config.seed ||
    a.config.pretrainSeed - b.config.pretrainSeed ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Groups rows that differ only in their seeds, in report order; a (seeds) pair seen twice is an error. */
export function groupCells(rows: readonly SweepRow[]): CellGroup[] {
  const byKey = new Map<string, SweepRow[]>();
  for (const r of [...rows].sort(compareRows)) {
    const key = configKey(r.config);
    const list = byKey.get(key) ?? [];
    const twin = list.find((o) => seedKey(o.config) === seedKey(r.config));
    if (twin) {
      throw new RangeError(
        `sweep results: cells ${twin.id} and ${r.id} have the same config and seeds (${r.config.variant}, ${r.config.kvHeads} KV heads, seed ${r.config.seed}); a cell is counted once`,
      );
    }
    list.push(r);
    byKey.set(key, list);
  }
  return [...byKey].map(([key, list]) => {
    const m = list[0].metrics;
    const perLayer = m.kvHeadsPerLayer;
    return {
      key,
      config: list[0].config,
      rows: list,
      kvHeadsActual: describeKvHeads(perLayer),
      kvHeadsMean: perLayer.length
        ? perLayer.reduce((s, g) => s + g, 0) / perLayer.length
        : list[0].config.kvHeads,
      kvBytesPerToken: m.kvBytesPerToken,
      params: m.params,
      accuracy: meanInterval(list.map((r) => r.metrics.testAccuracy)),
      converted: meanInterval(list.map((r) => r.metrics.convertedAccuracy)),
      loss: meanInterval(list.map((r) => r.metrics.testLoss)),
      trainSeconds: meanInterval(list.map((r) => r.metrics.trainSeconds)),
    };
  });
}

/** The baseline every variant is compared against. */
export const BASELINE_VARIANT: UptrainVariant = 'gqa';

/**
 * Each non-GQA group against the GQA group with the same settings and KV heads (MHA and MQA, whose KV heads
 * are fixed, against GQA at every KV-head count present), paired on the seeds both ran. Groups with no GQA
 * partner, or no common seed, are left out.
 */
export function pairedAgainstBaseline(groups: readonly CellGroup[]): PairedRow[] {
  const baselines = groups.filter((g) => g.config.variant === BASELINE_VARIANT);
  const out: PairedRow[] = [];
  for (const group of groups) {
    const v = group.config.variant;
    if (v === BASELINE_VARIANT) continue;
    const fixed = v === 'mha' || v === 'mqa';
    const partners = baselines.filter((b) =>
      fixed
        ? configKey(b.config, ['variant', 'kvHeads']) === configKey(group.config, ['variant', 'kvHeads'])
        : configKey(b.config, ['variant']) === configKey(group.config, ['variant']),
    );
    for (const baseline of partners) {
      const bySeed = new Map(baseline.rows.map((r) => [seedKey(r.config), r]));
      const pairs = group.rows.flatMap((r) => {
        const b = bySeed.get(seedKey(r.config));
        return b ? [[r, b] as const] : [];
      });
      if (pairs.length === 0) continue;
      out.push({
        group,
        baseline,
        accuracy: pairedComparison(
          pairs.map(([r]) => r.metrics.testAccuracy),
          pairs.map(([, b]) => b.metrics.testAccuracy),
        ),
        converted: pairedComparison(
          pairs.map(([r]) => r.metrics.convertedAccuracy),
          pairs.map(([, b]) => b.metrics.convertedAccuracy),
        ),
      });
    }
  }
  // Grouped under their baseline, in report order.
  return out.sort(
    (a, b) =>
      groups.indexOf(a.baseline) - groups.indexOf(b.baseline) ||
      variantOrder(a.group.config.variant) - variantOrder(b.group.config.variant),
  );
}
