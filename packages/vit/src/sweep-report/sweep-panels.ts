/**
 * The sweep report's charts, one panel per combination of the settings other than variant and KV heads
 * (data set, preset, epochs, ...): accuracy vs real KV heads and vs KV-cache bytes with 95 % error bars, and
 * per KV-head count the training curves with bands over seeds (MHA and MQA drawn in every count's curves).
 */
import type { Html } from '../report/html-template';
import {
  accuracyVsKvBytesChart,
  accuracyVsKvHeadsChart,
  epochAccuracyChart,
  stepLossChart,
} from '../report/stat-charts';
import { type CellGroup, configKey } from './sweep-stats';
import { varyingSettings } from './sweep-tables';

export interface SweepPanel {
  /** 'dataset=..., epochs=...' for the settings that vary between panels; '' when there is one panel. */
  label: string;
  groups: CellGroup[];
}

/** Splits the groups by their settings other than variant and KV heads, in report order. */
export function sweepPanels(groups: readonly CellGroup[]): SweepPanel[] {
  const varying = varyingSettings(groups);
  const byKey = new Map<string, CellGroup[]>();
  for (const g of groups) {
    const key = configKey(g.config, ['variant', 'kvHeads']);
    byKey.set(key, [...(byKey.get(key) ?? []), g]);
  }
  return [...byKey.values()].map((gs) => {
    const c = gs[0].config;
    const values: Record<string, unknown> = {
      ...c.settings,
      dataset: c.dataset,
      preset: c.preset,
      fidelity: c.fidelity,
      epochs: c.epochs,
      lr: c.lr,
    };
    return { label: varying.map((k) => `${k}=${String(values[k])}`).join(', '), groups: gs };
  });
}

const isFixed = (g: CellGroup) => g.config.variant === 'mha' || g.config.variant === 'mqa';

/** The charts of one panel (index `i` keeps the SVG ids unique on the page). */
export function panelCharts(panel: SweepPanel, i: number): Html[] {
  const suffix = panel.label ? ` (${panel.label})` : '';
  const fixed = panel.groups.filter(isFixed);
  const counts = [...new Set(panel.groups.filter((g) => !isFixed(g)).map((g) => g.config.kvHeads))].sort(
    (a, b) => a - b,
  );
  const perCount = counts.flatMap((kv) => {
    const gs = [...fixed, ...panel.groups.filter((g) => !isFixed(g) && g.config.kvHeads === kv)];
    return [
      stepLossChart(gs, `p${i}-steps-kv${kv}`, `Training loss, ${kv} KV heads${suffix}`),
      epochAccuracyChart(gs, `p${i}-epochs-kv${kv}`, `Test accuracy per epoch, ${kv} KV heads${suffix}`),
    ];
  });
  return [
    accuracyVsKvHeadsChart(panel.groups, `p${i}-kvheads`, `Test accuracy vs KV heads${suffix}`),
    accuracyVsKvBytesChart(
      panel.groups,
      `p${i}-kvbytes`,
      `Test accuracy vs KV-cache bytes per token${suffix}`,
    ),
    ...perCount,
  ].filter((c): c is Html => c !== null);
}
