/**
 * Metrics files of a training run: `metrics.csv` and `metrics.jsonl` (one row per epoch) and
 * `steps.jsonl` (every logEvery steps). A fresh run starts them empty; a resumed run first drops the
 * rows written after its checkpoint (an epoch that was cut short, steps that will be redone), then appends.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeOutputFolder } from './output-folder';
import type { EpochMetrics } from './train-state';

/** One row of metrics.csv / metrics.jsonl (its schema, EpochMetricsSchema, is in train-state.ts). */
export type { EpochMetrics };

/** One row of steps.jsonl. */
export interface StepMetrics {
  epoch: number;
  step: number;
  loss: number;
  accuracy: number;
  lr: number;
}

export const EPOCH_COLUMNS: readonly (keyof EpochMetrics)[] = [
  'epoch',
  'step',
  'trainLoss',
  'trainAccuracy',
  'testLoss',
  'testAccuracy',
  'lr',
  'imagesPerSecond',
  'seconds',
];

export class MetricsLog {
  readonly csvPath: string;
  readonly jsonlPath: string;
  readonly stepsPath: string;

  /**
   * Opens the files in `dir`. Without `resumeFrom` they are truncated; with it, rows of epochs >=
   * resumeFrom.epoch (1-based) and steps > resumeFrom.step are dropped and later rows appended.
   */
  constructor(dir: string, resumeFrom?: { epoch: number; step: number }) {
    makeOutputFolder(dir);
    this.csvPath = join(dir, 'metrics.csv');
    this.jsonlPath = join(dir, 'metrics.jsonl');
    this.stepsPath = join(dir, 'steps.jsonl');
    const header = `${EPOCH_COLUMNS.join(',')}\n`;
    if (!resumeFrom) {
      writeFileSync(this.csvPath, header);
      writeFileSync(this.jsonlPath, '');
      writeFileSync(this.stepsPath, '');
      return;
    }
    const epochs = readRows(this.jsonlPath).filter((r) => Number(r.epoch) < resumeFrom.epoch);
    writeFileSync(this.jsonlPath, epochs.map((r) => `${JSON.stringify(r)}\n`).join(''));
    writeFileSync(this.csvPath, header + epochs.map((r) => csvLine(r)).join(''));
    const steps = readRows(this.stepsPath).filter((r) => Number(r.step) <= resumeFrom.step);
    writeFileSync(this.stepsPath, steps.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  appendEpoch(row: EpochMetrics): void {
    appendFileSync(this.jsonlPath, `${JSON.stringify(row)}\n`);
    appendFileSync(this.csvPath, csvLine(row));
  }

  appendStep(row: StepMetrics): void {
    appendFileSync(this.stepsPath, `${JSON.stringify(row)}\n`);
  }
}

function csvLine(row: object): string {
  return `${EPOCH_COLUMNS.map((c) => String(Reflect.get(row, c) ?? '')).join(',')}\n`;
}

/** The JSON objects of a JSONL file (missing file: none); a torn last line from a crash is skipped. */
function readRows(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push({ ...v });
    } catch {
      // A line cut short by a crash: the resumed run rewrites it.
    }
  }
  return out;
}
