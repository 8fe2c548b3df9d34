/** sweep-results.csv: one row per finished cell, its config then its metrics (RFC 4180 quoting). */
import type { SweepRow } from './sweep-row';

const FIXED_COLUMNS = [
  'id',
  'mha_id',
  'variant',
  'kv_heads',
  'seed',
  'pretrain_seed',
  'fidelity',
  'preset',
  'dataset',
  'epochs',
  'lr',
  'kv_heads_per_layer',
  'mha_accuracy',
  'converted_accuracy',
  'converted_loss',
  'test_accuracy',
  'test_loss',
  'params',
  'kv_bytes_per_token',
  'train_seconds',
] as const;

/** Quotes a field that holds a comma, quote or line break (a data path may). */
export function csvField(value: string | number | boolean | null): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The CSV text of `rows` (in the order given); settings become one column each, in name order. */
export function sweepCsv(rows: readonly SweepRow[]): string {
  const settingNames = [...new Set(rows.flatMap((r) => Object.keys(r.config.settings)))].sort();
  const header = [...FIXED_COLUMNS, ...settingNames.map((k) => `setting_${k}`)];
  const lines = rows.map((r) => {
    const c = r.config;
    const m = r.metrics;
    const values = [
      r.id,
      r.mhaId,
      c.variant,
      c.kvHeads,
      c.seed,
      c.pretrainSeed,
      c.fidelity,
      c.preset,
      c.dataset,
      c.epochs,
      c.lr,
      m.kvHeadsPerLayer.join(';'),
      r.mha.testAccuracy,
      m.convertedAccuracy,
      m.convertedLoss,
      m.testAccuracy,
      m.testLoss,
      m.params,
      m.kvBytesPerToken,
      m.trainSeconds.toFixed(3),
      ...settingNames.map((k) => c.settings[k] ?? null),
    ];
    return values.map(csvField).join(',');
  });
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
