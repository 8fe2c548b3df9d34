/**
 * Charts of seed-replicated results (CellGroup: one (variant, KV heads, ...) point over its seeds), shared by
 * the uptrain and sweep reports: accuracy bars with 95 % intervals, accuracy vs real KV heads and vs KV-cache
 * bytes with error bars, and per-step / per-epoch training curves with bands. Pure functions from data to SVG.
 */
import { meanInterval } from '../stats/intervals';
import type { CellGroup } from '../sweep-report/sweep-stats';
import { UPTRAIN_VARIANTS, type UptrainVariant } from '../uptrain-results';
import { barChart } from './bar-chart';
import type { Html } from './html-template';
import { lineChart, type Series, type SeriesPoint } from './line-chart';
import { percentTicks } from './svg';

const variantNames: readonly string[] = UPTRAIN_VARIANTS;
/** The colour of a variant: the same in every chart. */
export const variantColour = (v: string) => Math.max(0, variantNames.indexOf(v));

const pct1 = (v: number) => `${(100 * v).toFixed(1)}%`;

/** A point at the mean of `values` with its 95 % interval (none with one value). */
export function intervalPoint(x: number, values: readonly number[]): SeriesPoint {
  const m = meanInterval(values);
  return m.low === null || m.high === null ? { x, y: m.mean } : { x, y: m.mean, low: m.low, high: m.high };
}

/** 'mean of 3 seeds, 95 % CI' or '1 seed: no interval', for chart titles. */
export function seedsNote(groups: readonly CellGroup[]): string {
  const n = Math.max(0, ...groups.map((g) => g.rows.length));
  return n > 1 ? `mean of ${n} seeds, 95 % CI` : '1 seed: no interval';
}

/** Final accuracy per group, bars from zero with 95 % interval error bars. */
export function accuracyBarChart(groups: readonly CellGroup[], id: string, title: string): Html {
  return barChart(
    groups.map((g) => ({
      label: g.config.variant,
      value: g.accuracy.mean,
      error: g.accuracy.high === null ? 0 : g.accuracy.high - g.accuracy.mean,
      colourIndex: variantColour(g.config.variant),
    })),
    {
      id,
      title: `${title} (${seedsNote(groups)})`,
      yLabel: 'test accuracy',
      format: pct1,
      tickFormat: percentTicks,
    },
  );
}

function byVariant(groups: readonly CellGroup[]): [UptrainVariant, CellGroup[]][] {
  return UPTRAIN_VARIANTS.map(
    (v) => [v, groups.filter((g) => g.config.variant === v)] as [UptrainVariant, CellGroup[]],
  ).filter(([, gs]) => gs.length > 0);
}

function accuracyVs(
  groups: readonly CellGroup[],
  x: (g: CellGroup) => number,
  opts: { id: string; title: string; xLabel: string },
): Html | null {
  if (new Set(groups.map(x)).size < 2) return null;
  const series: Series[] = byVariant(groups).map(([v, gs]) => ({
    name: v,
    colourIndex: variantColour(v),
    interval: 'bars',
    points: [...gs]
      .sort((a, b) => x(a) - x(b))
      .map((g) =>
        intervalPoint(
          x(g),
          g.rows.map((r) => r.metrics.testAccuracy),
        ),
      ),
  }));
  return lineChart(series, {
    ...opts,
    title: `${opts.title} (${seedsNote(groups)})`,
    yLabel: 'test accuracy',
    log2X: true,
    yFormat: percentTicks,
    dodge: 4,
  });
}

/** Accuracy vs the KV heads each model really has (MHA at H, MQA at 1, unequal groups at their mean); null with one count. */
export function accuracyVsKvHeadsChart(groups: readonly CellGroup[], id: string, title: string): Html | null {
  return accuracyVs(groups, (g) => g.kvHeadsMean, { id, title, xLabel: 'KV heads per layer (log2 scale)' });
}

/** Accuracy vs K+V cache bytes per token (the cost axis); null with one cost. */
export function accuracyVsKvBytesChart(groups: readonly CellGroup[], id: string, title: string): Html | null {
  return accuracyVs(groups, (g) => g.kvBytesPerToken, {
    id,
    title,
    xLabel: 'KV-cache bytes per token (log2 scale)',
  });
}

/** Mean and 95 % band over seeds of values[seed][i], for the first `length` positions all seeds have. */
function bandOver(xs: readonly number[], values: readonly (readonly number[])[]): SeriesPoint[] {
  return xs.map((x, i) =>
    intervalPoint(
      x,
      values.map((v) => v[i]),
    ),
  );
}

/** The per-step training loss of each group (binned, mean over seeds with a 95 % band); null when none was recorded. */
export function stepLossChart(groups: readonly CellGroup[], id: string, title: string): Html | null {
  const series: Series[] = [];
  for (const g of groups) {
    const runs = g.rows.map((r) => r.metrics.steps);
    const length = Math.min(...runs.map((s) => s.length));
    if (!(length > 1)) continue;
    const xs = runs[0].slice(0, length).map((s) => s.step);
    if (runs.some((s) => s.slice(0, length).some((p, i) => p.step !== xs[i]))) continue; // bins must line up
    series.push({
      name: g.config.variant,
      colourIndex: variantColour(g.config.variant),
      points: bandOver(
        xs,
        runs.map((s) => s.slice(0, length).map((p) => p.trainLoss)),
      ),
    });
  }
  if (series.length === 0) return null;
  return lineChart(series, {
    id,
    title: `${title} (${seedsNote(groups)})`,
    xLabel: 'fine-tuning step',
    yLabel: 'training loss',
    markers: false,
  });
}

/**
 * Test accuracy after each fine-tuning epoch, epoch 0 being right after conversion (mean over seeds, 95 %
 * band); null with fewer than two epochs, where the tables already say all there is (after conversion, final).
 */
export function epochAccuracyChart(groups: readonly CellGroup[], id: string, title: string): Html | null {
  const series: Series[] = [];
  for (const g of groups) {
    const length = Math.min(...g.rows.map((r) => r.metrics.history.length));
    if (!(length >= 2)) continue;
    const xs = Array.from({ length: length + 1 }, (_, i) => i);
    series.push({
      name: g.config.variant,
      colourIndex: variantColour(g.config.variant),
      points: bandOver(
        xs,
        g.rows.map((r) => [
          r.metrics.convertedAccuracy,
          ...r.metrics.history.slice(0, length).map((e) => e.testAccuracy),
        ]),
      ),
    });
  }
  if (series.length === 0) return null;
  return lineChart(series, {
    id,
    title: `${title} (${seedsNote(groups)})`,
    xLabel: 'epoch (0 = right after conversion)',
    yLabel: 'test accuracy',
    yFormat: percentTicks,
  });
}
