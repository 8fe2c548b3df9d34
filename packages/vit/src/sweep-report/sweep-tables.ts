/**
 * The sweep report's two tables as rows of text: each (variant, KV heads, ...) group with its mean and 95 %
 * interval over seeds, and each variant's paired difference from GQA with its interval and test. Shared by
 * report.html and summary.md.
 */
import { percent, percentWithInterval, pointsWithInterval, pValue } from '../stats/format';
import { CONFIDENCE, PAIRED_TEST } from '../stats/intervals';
import type { CellGroup, PairedRow } from './sweep-stats';

export interface TextTable {
  header: string[];
  rows: string[][];
}

/** The settings (beyond variant and KV heads) that differ between groups: the columns worth showing. */
export function varyingSettings(groups: readonly CellGroup[]): string[] {
  const values = new Map<string, Set<string>>();
  for (const g of groups) {
    const c = g.config;
    const entries: [string, unknown][] = [
      ['dataset', c.dataset],
      ['preset', c.preset],
      ['fidelity', c.fidelity],
      ['epochs', c.epochs],
      ['lr', c.lr],
      ...Object.entries(c.settings),
    ];
    for (const [k, v] of entries) values.set(k, (values.get(k) ?? new Set()).add(JSON.stringify(v)));
  }
  return [...values].filter(([, set]) => set.size > 1).map(([k]) => k);
}

function settingValue(g: CellGroup, key: string): string {
  const c = g.config;
  const v: unknown =
    key === 'dataset' || key === 'preset' || key === 'fidelity' || key === 'epochs' || key === 'lr'
      ? c[key]
      : c.settings[key];
  return v === null || v === undefined ? '-' : String(v);
}

const level = `${Math.round(CONFIDENCE * 100)}% CI`;

/** One row per group: variant, KV heads, settings that vary, seeds, accuracy after conversion and final. */
export function groupTable(groups: readonly CellGroup[]): TextTable {
  const settings = varyingSettings(groups);
  return {
    header: [
      'variant',
      'KV heads',
      ...settings,
      'seeds',
      `accuracy after conversion (${level})`,
      `final accuracy (${level})`,
      'std',
      'KV bytes/token',
      'params',
    ],
    rows: groups.map((g) => [
      g.config.variant,
      g.kvHeadsActual,
      ...settings.map((k) => settingValue(g, k)),
      String(g.accuracy.n),
      percentWithInterval(g.converted),
      percentWithInterval(g.accuracy),
      g.accuracy.std === null ? '-' : percent(g.accuracy.std),
      String(g.kvBytesPerToken),
      String(g.params),
    ]),
  };
}

/** One row per (variant, its GQA baseline): the paired differences and the test. */
export function pairedTable(paired: readonly PairedRow[], groups: readonly CellGroup[]): TextTable {
  const settings = varyingSettings(groups);
  return {
    header: [
      'variant',
      'KV heads',
      'vs GQA at KV heads',
      ...settings,
      'pairs',
      `Δ after conversion (${level})`,
      `Δ final accuracy (${level})`,
      `${PAIRED_TEST}`,
    ],
    rows: paired.map((p) => [
      p.group.config.variant,
      p.group.kvHeadsActual,
      p.baseline.kvHeadsActual,
      ...settings.map((k) => settingValue(p.group, k)),
      String(p.accuracy.n),
      pointsWithInterval(p.converted),
      pointsWithInterval(p.accuracy),
      pValue(p.accuracy),
    ]),
  };
}

/** The cost table: groups from the smallest KV cache to the largest, with what each keeps of MHA's cache. */
export function costTable(groups: readonly CellGroup[]): TextTable {
  const settings = varyingSettings(groups);
  const mhaBytes = Math.max(
    0,
    ...groups.filter((g) => g.config.variant === 'mha').map((g) => g.kvBytesPerToken),
  );
  const sorted = [...groups].sort(
    (a, b) => a.kvBytesPerToken - b.kvBytesPerToken || b.accuracy.mean - a.accuracy.mean,
  );
  return {
    header: [
      'KV bytes/token',
      'of MHA cache',
      'variant',
      'KV heads',
      ...settings,
      `final accuracy (${level})`,
    ],
    rows: sorted.map((g) => [
      String(g.kvBytesPerToken),
      mhaBytes > 0 ? `${((100 * g.kvBytesPerToken) / mhaBytes).toFixed(1)}%` : '-',
      g.config.variant,
      g.kvHeadsActual,
      ...settings.map((k) => settingValue(g, k)),
      percentWithInterval(g.accuracy),
    ]),
  };
}

/** The Markdown text of a table. */
export function markdownOf(t: TextTable): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  const rule = `|${t.header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`;
  return [line(t.header), rule, ...t.rows.map(line)].join('\n');
}
