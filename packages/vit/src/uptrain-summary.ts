/**
 * The summary printed at the end of `gqa-lab uptrain` (and written to summary.md): a header naming the data
 * set, model, epochs and seeds, then one row per variant and KV-head count with the accuracy right after
 * conversion, the final accuracy over seeds, and the paired difference from GQA on the same seeds.
 */
import { percent, percentWithInterval, pointsWithInterval, pValue } from './stats/format';
import { PAIRED_TEST } from './stats/intervals';
import {
  type CellGroup,
  groupCells,
  type PairedRow,
  pairedAgainstBaseline,
} from './sweep-report/sweep-stats';
import { markdownOf, type TextTable } from './sweep-report/sweep-tables';
import { UPTRAIN_VARIANTS, type UptrainResults } from './uptrain-results';
import { uptrainRows } from './uptrain-rows';

const isFixed = (g: CellGroup) => g.config.variant === 'mha' || g.config.variant === 'mqa';

/** The groups in summary order: MHA and MQA first, then each KV-head count in the canonical variant order. */
export function uptrainGroups(results: UptrainResults): CellGroup[] {
  const order = (g: CellGroup) => UPTRAIN_VARIANTS.indexOf(g.config.variant);
  return groupCells(uptrainRows(results)).sort(
    (a, b) =>
      Number(isFixed(b)) - Number(isFixed(a)) ||
      (isFixed(a) ? 0 : a.config.kvHeads - b.config.kvHeads) ||
      order(a) - order(b),
  );
}

/** Each group's paired row against GQA: at its own KV heads, or for MHA / MQA at the smallest count. */
export function uptrainPaired(groups: readonly CellGroup[]): Map<CellGroup, PairedRow> {
  const out = new Map<CellGroup, PairedRow>();
  for (const p of pairedAgainstBaseline(groups)) {
    const had = out.get(p.group);
    if (!had || p.baseline.config.kvHeads < had.baseline.config.kvHeads) out.set(p.group, p);
  }
  return out;
}

/** A config value as text: results.json's config is free-form, so anything but a scalar shows as '?'. */
function shown(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '?';
}

function seedCount(groups: readonly CellGroup[]): number {
  return Math.max(0, ...groups.map((g) => g.rows.length));
}

/** The lines above the table: what ran, on what, with how many seeds. */
export function uptrainSummaryHeader(results: UptrainResults): string[] {
  const { dataset: d, pretrain, config: c } = results;
  const groups = uptrainGroups(results);
  const seeds = [...new Set(groups.flatMap((g) => g.rows.map((r) => r.config.seed)))].sort((a, b) => a - b);
  const mha =
    pretrain.origin === 'trained'
      ? `MHA pretrained ${shown(c.pretrainEpochs)} epoch(s) here`
      : `MHA loaded from ${pretrain.origin}`;
  const gqaCounts = groups.filter((g) => g.config.variant === 'gqa').map((g) => g.config.kvHeads);
  const lines = [
    `Up-training on ${d.name} (${d.source}): ${d.trainSize} train / ${d.testSize} test images; preset ${shown(c.preset)}.`,
    `${mha} (test accuracy ${percent(pretrain.testAccuracy)}), then ${shown(c.epochs)} fine-tuning epoch(s) per variant at lr ${shown(c.lr)}.`,
    `Seeds: ${seeds.join(', ')} (${seeds.length}); every variant fine-tunes from the same MHA model on each seed, so differences are paired by seed.`,
  ];
  if (seeds.length > 1) {
    lines.push(
      `Intervals are 95 % Student-t confidence intervals over seeds; Δ vs GQA is the variant minus GQA on the same seed (${PAIRED_TEST}).`,
    );
  } else {
    lines.push('One seed: no intervals and no tests; a difference of a point or two may be noise.');
  }
  if (gqaCounts.length) {
    lines.push(`MHA and MQA are compared with GQA at ${Math.min(...gqaCounts)} KV heads.`);
  }
  return lines;
}

/** The table: one row per group (MHA and MQA once). */
export function uptrainSummaryTable(results: UptrainResults): TextTable {
  const groups = uptrainGroups(results);
  const paired = uptrainPaired(groups);
  const several = seedCount(groups) > 1;
  const header = [
    'variant',
    'KV heads',
    'after conversion',
    'test accuracy',
    ...(several ? ['± std', '95% CI'] : []),
    'Δ vs GQA',
    ...(several ? ['p'] : []),
    'test loss',
    'params',
    'KV bytes/token',
    'train time (s)',
  ];
  const rows = groups.map((g) => {
    const p = paired.get(g);
    const delta = g.config.variant === 'gqa' ? 'baseline' : p ? pointsWithInterval(p.accuracy) : '-';
    const ci = percentWithInterval(g.accuracy);
    return [
      g.config.variant,
      g.kvHeadsActual,
      percent(g.converted.mean),
      percent(g.accuracy.mean),
      ...(several
        ? [
            g.accuracy.std === null ? '-' : percent(g.accuracy.std),
            ci.includes('[') ? ci.slice(ci.indexOf('[')) : '-',
          ]
        : []),
      delta,
      ...(several ? [p ? pValue(p.accuracy) : '-'] : []),
      g.loss.mean.toFixed(4),
      String(g.params),
      String(g.kvBytesPerToken),
      g.trainSeconds.mean.toFixed(1),
    ];
  });
  return { header, rows };
}

/** summary.md: the header lines, a blank line, the Markdown table. */
export function summaryMarkdown(results: UptrainResults): string {
  return [...uptrainSummaryHeader(results), '', markdownOf(uptrainSummaryTable(results))].join('\n');
}
