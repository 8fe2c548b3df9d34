/**
 * Flags that several `gqa-lab` commands accept with the same meaning and range. Where the commands word the
 * help differently, the help is a parameter (its default is the common wording).
 */
import type { Fidelity } from '@gqa-lab/gqa';
import { VIT_PRESET_NAMES } from '../presets';
import { QCQA_STAGES } from '../uptrain-variants';
import { flag } from './flag';
import { choiceValue, intValue, limitValue, numberValue, pathValue } from './values';

const FIDELITIES: readonly Fidelity[] = ['reference', 'corrected'];

/** --preset NAME: one of the ViT presets. */
export const presetFlag = () =>
  flag('preset', 'NAME', `model shape: ${VIT_PRESET_NAMES.join(', ')}`, (f, r): string =>
    choiceValue(f, r, VIT_PRESET_NAMES),
  );

/** --data DIR: a data folder, or 'none' for the built-in Fashion-MNIST. */
export const dataFlag = (help = 'IDX or CIFAR folder; default built-in Fashion-MNIST') =>
  flag('data', 'DIR', help, (f, r) => pathValue(f, r, true));

/** --train-limit N|all. */
export const trainLimitFlag = (help = 'use at most N training images') =>
  flag('trainLimit', 'N|all', help, limitValue);

/** --test-limit N|all. */
export const testLimitFlag = () => flag('testLimit', 'N|all', 'use at most N test images', limitValue);

/** --batch-size N in [1, 65536]. */
export const batchSizeFlag = (help = 'batch size') =>
  flag('batchSize', 'N', help, (f, r) => intValue(f, r, 1, 65_536));

/** --lr X in (0, 10]. */
export const lrFlag = (help: string) => flag('lr', 'X', help, (f, r) => numberValue(f, r, 10));

/** --weight-decay X in [0, 1]. */
export const weightDecayFlag = () =>
  flag('weightDecay', 'X', 'AdamW weight decay in [0, 1]', (f, r) => numberValue(f, r, 1, true));

/** --seed N: one 32-bit seed. */
export const seedFlag = (help: string) => flag('seed', 'N', help, (f, r) => intValue(f, r, 0, 2 ** 32 - 1));

/** --kv-heads G: one KV-head count. */
export const kvHeadsFlag = (help: string) => flag('kvHeads', 'G', help, (f, r) => intValue(f, r, 1, 4096));

/** --fidelity reference|corrected. */
export const fidelityFlag = (help: string) =>
  flag('fidelity', 'reference|corrected', help, (f, r) => choiceValue(f, r, FIDELITIES));

/** --window N: the DGQA window in steps. */
export const windowFlag = (help: string) => flag('window', 'N', help, (f, r) => intValue(f, r, 1, 1_000_000));

/** --calibration-batches N: AsymGQA's calibration batches. */
export const calibrationBatchesFlag = (help: string) =>
  flag('calibrationBatches', 'N', help, (f, r) => intValue(f, r, 1, 10_000));

/** --qcqa-generations N: QCQA's search length. */
export const qcqaGenerationsFlag = () =>
  flag('qcqaGenerations', 'N', 'QCQA: NSGA-II generations per layer', (f, r) => intValue(f, r, 1, 100_000));

/** --qcqa-stage layer|model: QCQA's per-layer choice, or the paper's across-layer second stage. */
export const qcqaStageFlag = () =>
  flag(
    'qcqaStage',
    'layer|model',
    "QCQA: 'layer' = G groups in every layer; 'model' = the across-layer front point with depth·G KV heads in all",
    (f, r) => choiceValue(f, r, QCQA_STAGES),
  );

/** --model PATH: a model file to read. */
export const modelFileFlag = (help: string) => flag('model', 'PATH', help, pathValue);

/** --out DIR: the output folder of a run. */
export const outDirFlag = () => flag('out', 'DIR', 'output folder', pathValue);
