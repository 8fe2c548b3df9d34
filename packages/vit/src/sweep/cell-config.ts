/**
 * A sweep cell's fully resolved config and the MHA pretraining it depends on, with the ids that name their
 * folders, and the `gqa-lab uptrain` config that runs each.
 */
import type { Fidelity } from '@gqa-lab/gqa';
import { DEFAULT_UPTRAIN_CONFIG, type UptrainConfig } from '../uptrain-config';
import type { UptrainVariant } from '../uptrain-results';
import type { QcqaStage } from '../uptrain-variants';
import { configId } from './cell-id';

/** The dataset label of the built-in Fashion-MNIST (any other label is a data folder). */
export const BUILTIN_DATASET = 'fashion-mnist';

/** Settings besides the axes; part of the cell id. */
export type CellSettings = {
  pretrainEpochs: number;
  pretrainLr: number;
  batchSize: number;
  trainLimit: number | null;
  testLimit: number | null;
  weightDecay: number;
  window: number;
  calibrationBatches: number;
  qcqaGenerations: number;
  qcqaStage: QcqaStage;
  telemetry: boolean;
};

/** One cell: the axes' values (kvHeads is the real count for MHA and MQA) and the shared settings. */
export interface CellConfig {
  variant: UptrainVariant;
  kvHeads: number;
  seed: number;
  pretrainSeed: number;
  fidelity: Fidelity;
  preset: string;
  dataset: string;
  epochs: number;
  lr: number;
  settings: CellSettings;
}

/** What the MHA model depends on: cells that agree on these share one pretraining. */
export interface MhaConfig {
  preset: string;
  dataset: string;
  pretrainSeed: number;
  pretrainEpochs: number;
  pretrainLr: number;
  batchSize: number;
  trainLimit: number | null;
  testLimit: number | null;
  weightDecay: number;
}

/** A job of the sweep: pretrain one MHA model, or up-train one cell from its MHA model. */
export type SweepJob =
  | { kind: 'mha'; id: string; config: MhaConfig }
  | { kind: 'cell'; id: string; mhaId: string; config: CellConfig };

export type CellJob = Extract<SweepJob, { kind: 'cell' }>;
export type MhaJob = Extract<SweepJob, { kind: 'mha' }>;

/** Version tags inside the hashed documents: a change of what a cell means changes every id. */
const CELL_TAG = 'gqa-lab/sweep-cell@1';
const MHA_TAG = 'gqa-lab/sweep-mha@1';

export function mhaConfigOf(cell: CellConfig): MhaConfig {
  const s = cell.settings;
  return {
    preset: cell.preset,
    dataset: cell.dataset,
    pretrainSeed: cell.pretrainSeed,
    pretrainEpochs: s.pretrainEpochs,
    pretrainLr: s.pretrainLr,
    batchSize: s.batchSize,
    trainLimit: s.trainLimit,
    testLimit: s.testLimit,
    weightDecay: s.weightDecay,
  };
}

export function mhaJobOf(cell: CellConfig): MhaJob {
  const config = mhaConfigOf(cell);
  return { kind: 'mha', id: configId({ tag: MHA_TAG, ...config }), config };
}

export function cellJobOf(cell: CellConfig): CellJob {
  const { settings, ...axes } = cell;
  const id = configId({ tag: CELL_TAG, ...axes, settings: { ...settings } });
  return { kind: 'cell', id, mhaId: mhaJobOf(cell).id, config: cell };
}

/** `--data` of a dataset label: null for the built-in set. */
export function dataOf(dataset: string): string | null {
  return dataset === BUILTIN_DATASET ? null : dataset;
}

/** The `gqa-lab uptrain` config that fine-tunes this cell from the MHA model file at `checkpoint`. */
export function cellUptrainConfig(cell: CellConfig, checkpoint: string | null, out: string): UptrainConfig {
  const s = cell.settings;
  return {
    ...DEFAULT_UPTRAIN_CONFIG,
    ...s,
    preset: cell.preset,
    data: dataOf(cell.dataset),
    checkpoint,
    pretrainEpochs: checkpoint === null ? s.pretrainEpochs : 0,
    epochs: cell.epochs,
    lr: cell.lr,
    variants: [cell.variant],
    kvHeads: [cell.kvHeads],
    seeds: [cell.seed],
    fidelity: cell.fidelity,
    out,
  };
}

/**
 * The `gqa-lab uptrain` config that pretrains the MHA model: MHA only, its own KV-head count, no
 * fine-tuning (its one "run" is the MHA model evaluated as it is).
 */
export function mhaUptrainConfig(mha: MhaConfig, numHeads: number, out: string): UptrainConfig {
  return {
    ...DEFAULT_UPTRAIN_CONFIG,
    preset: mha.preset,
    data: dataOf(mha.dataset),
    trainLimit: mha.trainLimit,
    testLimit: mha.testLimit,
    checkpoint: null,
    pretrainEpochs: mha.pretrainEpochs,
    pretrainLr: mha.pretrainLr,
    batchSize: mha.batchSize,
    weightDecay: mha.weightDecay,
    epochs: 0,
    variants: ['mha'],
    kvHeads: [numHeads],
    seeds: [mha.pretrainSeed],
    telemetry: false,
    out,
  };
}
