/**
 * Reading a grid file and expanding it into the sweep's jobs: every combination of the axes, MHA and MQA
 * once per combination of the other axes (they do not depend on the KV-head count), each cell checked as
 * `gqa-lab uptrain` checks its flags, with errors naming the grid file and key.
 */
import { FileFormatError, parseJsonText, parseWithSchema, readRegularTextFile } from '@gqa-lab/nn';
import { vitPreset } from '../presets';
import { DEFAULT_UPTRAIN_CONFIG, validateUptrainConfig } from '../uptrain-config';
import {
  BUILTIN_DATASET,
  type CellConfig,
  type CellJob,
  type CellSettings,
  cellJobOf,
  cellUptrainConfig,
  type MhaJob,
  mhaJobOf,
} from './cell-config';
import { type GridFile, GridFileSchema, MAX_CELLS } from './grid-schema';

const FORMAT = 'sweep grid';

/** The expanded sweep: its MHA pretrainings and its cells (in grid order, each id once). */
export interface SweepPlan {
  name: string;
  mha: MhaJob[];
  cells: CellJob[];
}

/** Reads and validates a grid file; errors are FileFormatErrors naming the file and the key. */
export async function readGridFile(path: string): Promise<SweepPlan> {
  const text = await readRegularTextFile(path);
  return expandGrid(parseJsonText(text, path, FORMAT), path);
}

/** Validates a parsed grid document (`where` names it in errors) and expands it. */
export function expandGrid(value: unknown, where: string): SweepPlan {
  const grid = parseWithSchema(GridFileSchema, value, where, FORMAT);
  const d = DEFAULT_UPTRAIN_CONFIG;
  const f = grid.fixed ?? {};
  const settings: CellSettings = {
    pretrainEpochs: f.pretrainEpochs ?? d.pretrainEpochs,
    pretrainLr: f.pretrainLr ?? d.pretrainLr,
    batchSize: f.batchSize ?? d.batchSize,
    trainLimit: f.trainLimit === undefined ? d.trainLimit : f.trainLimit,
    testLimit: f.testLimit === undefined ? d.testLimit : f.testLimit,
    weightDecay: f.weightDecay ?? d.weightDecay,
    window: f.window ?? d.window,
    calibrationBatches: f.calibrationBatches ?? d.calibrationBatches,
    qcqaGenerations: f.qcqaGenerations ?? d.qcqaGenerations,
    qcqaStage: f.qcqaStage ?? d.qcqaStage,
    telemetry: f.telemetry ?? false,
  };
  const a = grid.axes;
  const combos = cellCount(grid);
  if (combos > MAX_CELLS) {
    throw new FileFormatError(where, FORMAT, 'axes', `${combos} cells, more than the ${MAX_CELLS} allowed`);
  }
  const cells = new Map<string, CellJob>();
  const mha = new Map<string, MhaJob>();
  for (const preset of a.preset ?? [d.preset])
    for (const dataset of a.dataset ?? [BUILTIN_DATASET])
      for (const fidelity of a.fidelity ?? [d.fidelity])
        for (const epochs of a.epochs ?? [d.epochs])
          for (const lr of a.lr ?? [d.lr])
            for (const asked of a.kvHeads ?? d.kvHeads)
              for (const seed of a.seed ?? d.seeds)
                for (const variant of a.variant) {
                  const { numHeads } = vitPreset(preset);
                  const kvHeads = variant === 'mha' ? numHeads : variant === 'mqa' ? 1 : asked;
                  const config: CellConfig = {
                    variant,
                    kvHeads,
                    seed,
                    pretrainSeed: f.pretrainSeed ?? d.seeds[0],
                    fidelity,
                    preset,
                    dataset,
                    epochs,
                    lr,
                    settings,
                  };
                  checkCell(config, where);
                  const job = cellJobOf(config);
                  if (!cells.has(job.id)) cells.set(job.id, job);
                  const dep = mhaJobOf(config);
                  if (!mha.has(dep.id)) mha.set(dep.id, dep);
                }
  return { name: grid.name ?? 'sweep', mha: [...mha.values()], cells: [...cells.values()] };
}

/** Cells before MHA / MQA are merged: the product of the axis lengths. */
function cellCount(grid: GridFile): number {
  const a = grid.axes;
  const d = DEFAULT_UPTRAIN_CONFIG;
  return [
    a.variant,
    a.kvHeads ?? d.kvHeads,
    a.seed ?? d.seeds,
    a.fidelity ?? [d.fidelity],
    a.preset ?? [d.preset],
    a.dataset ?? [BUILTIN_DATASET],
    a.epochs ?? [d.epochs],
    a.lr ?? [d.lr],
  ].reduce((n, xs) => n * xs.length, 1);
}

/** The grid key a `gqa-lab uptrain` flag comes from, for error messages. */
const KEY_OF_FLAG: Record<string, string> = {
  '--variants': 'axes.variant',
  '--kv-heads': 'axes.kvHeads',
  '--seeds': 'axes.seed',
  '--fidelity': 'axes.fidelity',
  '--preset': 'axes.preset',
  '--data': 'axes.dataset',
  '--epochs': 'axes.epochs',
  '--lr': 'axes.lr',
};

/** Checks one cell as `gqa-lab uptrain` checks its flags; the error names the grid key and the cell. */
function checkCell(cell: CellConfig, where: string): void {
  try {
    validateUptrainConfig(cellUptrainConfig(cell, null, 'out'));
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const m = /^(--[a-z-]+): (.*)$/s.exec(e.message);
    const flag = m?.[1] ?? '';
    const key = KEY_OF_FLAG[flag] ?? (flag ? `fixed.${camel(flag)}` : 'axes');
    const at = `variant ${cell.variant}, kvHeads ${cell.kvHeads}, fidelity ${cell.fidelity}, preset ${cell.preset}`;
    throw new FileFormatError(where, FORMAT, key, `${m?.[2] ?? e.message} (cell: ${at})`);
  }
}

const camel = (flag: string) => flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
