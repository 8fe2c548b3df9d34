/**
 * The up-training experiment (the paper's recipe, laptop-sized): pretrain or load an MHA ViT, convert it to each
 * variant at each KV-head count, fine-tune every conversion with the same seed and budget, evaluate, and write
 * results.json, results.csv, summary.md and one self-contained report.html.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSafetensorsFile, removeStaleTempFiles, toNDArray } from '@gqa-lab/nn';
import { Rng } from '@gqa-lab/tensor';
import type { ViTConfig } from './config';
import { DataLoader } from './data/loader';
import { evaluate } from './evaluate';
import { makeOutputFolder } from './output-folder';
import { renderReport } from './report/html';
import { loadTimmStateDict } from './timm';
import { type TrainHooks, train } from './train';
import type { UptrainConfig } from './uptrain-config';
import { type ExperimentData, loadExperimentData, presetForData } from './uptrain-data';
import { fineTuneVariant, toEpochRecord } from './uptrain-fine-tune';
import { loadModelFile, NotAModelFileError, saveModelFile } from './uptrain-model-file';
import { captureKeys } from './uptrain-probes';
import {
  type EpochRecord,
  RESULTS_SCHEMA,
  resultsCsv,
  type UptrainResults,
  type VariantRun,
} from './uptrain-results';
import { summaryMarkdown } from './uptrain-summary';
import { createViT, type ViT } from './vit';

export interface UptrainOptions {
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
  /** Use this data instead of loading `config.data` (tests). */
  data?: ExperimentData;
  /** Use this model shape instead of the preset (tests); it must be MHA. */
  modelConfig?: ViTConfig;
  /** Show the per-step progress bar of the training loop (default true). */
  progress?: boolean;
  /** Write the output files (default true). */
  write?: boolean;
  /** Called with the MHA model once it is trained here (not when loaded); the sweep saves it from here. */
  onPretrained?: (mha: ViT, normalize: { mean: number[]; std: number[] }) => Promise<void>;
  /** Called after each variant is fine-tuned and evaluated, with its final model (a sweep cell saves it). */
  onFineTuned?: (run: VariantRun, model: ViT, normalize: { mean: number[]; std: number[] }) => Promise<void>;
}

/** Runs the whole experiment; see the file comment. Deterministic for a given config on the CPU. */
export async function runUptrain(cfg: UptrainConfig, options: UptrainOptions = {}): Promise<UptrainResults> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();
  // Temp files of model-file writes that a killed earlier run left in the output folder.
  if (cfg.out) await removeStaleTempFiles(cfg.out);
  const loaded = options.data ?? (await loadExperimentData(cfg.data, cfg.trainLimit, cfg.testLimit));
  const checkpoint = cfg.checkpoint ? await loadMhaCheckpoint(cfg.checkpoint, cfg, loaded, options) : null;
  // A loaded model keeps the normalisation it was trained with.
  const data = checkpoint?.meta.normalize ? { ...loaded, normalize: checkpoint.meta.normalize } : loaded;
  log(
    `data: ${data.info.name} (${data.info.source}), ${data.info.trainSize} train / ${data.info.testSize} test`,
  );
  const loaderOpts = { batchSize: cfg.batchSize, normalize: data.normalize };
  const stepsPerEpoch = Math.floor(data.train.n / cfg.batchSize);
  const fit = (model: ViT, epochs: number, lr: number, seed: number, hooks: TrainHooks = {}) =>
    train(
      model,
      { train: data.train, test: data.test },
      {
        epochs,
        lr,
        seed,
        weightDecay: cfg.weightDecay,
        batchSize: cfg.batchSize,
        normalize: data.normalize,
        // A short warmup (a tenth of the run, at most 100 steps) keeps AdamW's first steps from undoing the conversion.
        warmupSteps: Math.min(100, Math.floor((epochs * stepsPerEpoch) / 10)),
        clipNorm: 1,
        // The published DGQA code counts windows by the batch index within the epoch.
        attentionStep: cfg.fidelity === 'reference' ? 'batchInEpoch' : 'global',
        quiet: !(options.progress ?? true),
      },
      hooks,
    );

  // 1. The MHA model: trained here, or loaded.
  const [firstSeed] = cfg.seeds;
  let mha: ViT;
  let pretrainHistory: EpochRecord[] = [];
  let pretrainSeconds = 0;
  if (checkpoint) {
    mha = checkpoint.model;
    if (mha.config.variant.kind !== 'mha') {
      throw new Error(`--checkpoint: ${cfg.checkpoint} holds a '${mha.config.variant.kind}' model, not MHA`);
    }
    log(`MHA model loaded from ${cfg.checkpoint}`);
  } else {
    const config = options.modelConfig ?? presetForData(cfg.preset, data.info);
    mha = createViT(config, new Rng(firstSeed));
    log(`pretraining MHA ${cfg.preset} for ${cfg.pretrainEpochs} epoch(s)`);
    const t0 = performance.now();
    const result = await fit(mha, cfg.pretrainEpochs, cfg.pretrainLr, firstSeed);
    pretrainSeconds = (performance.now() - t0) / 1000;
    pretrainHistory = result.history.map(toEpochRecord);
    await options.onPretrained?.(mha, data.normalize);
  }
  const mhaEval = evaluate(mha, data.test, loaderOpts);
  log(`MHA: test accuracy ${(100 * mhaEval.accuracy).toFixed(2)}%, loss ${mhaEval.loss.toFixed(4)}`);

  // 2. AsymGQA's calibration keys: the MHA model on the first training batches (fixed order).
  const calibrationKeys = cfg.variants.includes('asymgqa')
    ? captureKeys(mha, calibrationBatches(data, cfg))
    : undefined;

  // 3. Every (KV heads, seed, variant); MHA and MQA do not depend on the KV-head count, so they run once per seed.
  const runs: VariantRun[] = [];
  const once = new Map<string, VariantRun>();
  for (const kvHeads of cfg.kvHeads) {
    for (const seed of cfg.seeds) {
      for (const variant of cfg.variants) {
        const fixed = variant === 'mha' || variant === 'mqa';
        const key = fixed ? `${variant}/${seed}` : '';
        const cached = fixed ? once.get(key) : undefined;
        if (cached) {
          runs.push({ ...cached, kvHeads });
          continue;
        }
        const heads = variant === 'mha' ? mha.config.numHeads : variant === 'mqa' ? 1 : kvHeads;
        log(`fine-tuning ${variant} (${heads} KV heads, seed ${seed})`);
        const { run, model } = await fineTuneVariant(
          mha,
          { variant, kvHeads, seed, calibrationKeys },
          cfg,
          fit,
          data,
        );
        await options.onFineTuned?.(run, model, data.normalize);
        log(
          `  ${variant}: test accuracy ${(100 * run.testAccuracy).toFixed(2)}%, ${run.trainSeconds.toFixed(1)} s`,
        );
        if (fixed) once.set(key, run);
        runs.push(run);
      }
    }
  }

  const results: UptrainResults = {
    schema: RESULTS_SCHEMA,
    config: { ...cfg },
    dataset: data.info,
    pretrain: {
      origin: cfg.checkpoint ?? 'trained',
      testAccuracy: mhaEval.accuracy,
      testLoss: mhaEval.loss,
      seconds: pretrainSeconds,
      history: pretrainHistory,
    },
    runs,
    totalSeconds: (performance.now() - started) / 1000,
  };
  if (options.write ?? true)
    await writeOutputs(cfg.out, results, cfg.checkpoint ? null : mha, data.normalize);
  return results;
}

/**
 * The MHA model of --checkpoint: a gqa-lab model file, or else a timm ViT safetensors file loaded into the
 * preset's shape (its head is kept only when the class count matches the data).
 */
async function loadMhaCheckpoint(
  path: string,
  cfg: UptrainConfig,
  data: ExperimentData,
  options: UptrainOptions,
): Promise<{ model: ViT; meta: { normalize: { mean: number[]; std: number[] } | null } }> {
  try {
    return await loadModelFile(path, cfg.seeds[0]);
  } catch (e) {
    if (!(e instanceof NotAModelFileError)) throw e;
  }
  const model = createViT(options.modelConfig ?? presetForData(cfg.preset, data.info), new Rng(cfg.seeds[0]));
  const file = await loadSafetensorsFile(path);
  const sd = new Map([...file.tensors].map(([k, t]) => [k, toNDArray(t).astype('float32')] as const));
  // A head trained for another class count (ImageNet's 1000) is left out and starts fresh.
  const skipHead = sd.get('head.weight')?.shape[0] !== model.config.numClasses;
  loadTimmStateDict(model, sd, { skipHead });
  return { model, meta: { normalize: null } };
}

function calibrationBatches(data: ExperimentData, cfg: UptrainConfig) {
  const loader = new DataLoader(data.train, { batchSize: cfg.batchSize, normalize: data.normalize });
  const batches = [];
  for (const b of loader.epoch(0)) {
    if (batches.length >= cfg.calibrationBatches) break;
    batches.push(b.images);
  }
  return batches;
}

/** Writes results.json, results.csv, summary.md, report.html (and mha.safetensors when it was trained here). */
export async function writeOutputs(
  out: string,
  results: UptrainResults,
  mha: ViT | null,
  normalize: { mean: number[]; std: number[] } | null = null,
): Promise<void> {
  makeOutputFolder(out);
  await writeFile(join(out, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  await writeFile(join(out, 'results.csv'), resultsCsv(results));
  await writeFile(join(out, 'summary.md'), `${summaryMarkdown(results)}\n`);
  await writeFile(join(out, 'report.html'), renderReport(results));
  if (mha) {
    const info = { origin: 'gqa-lab uptrain', testAccuracy: results.pretrain.testAccuracy };
    await saveModelFile(join(out, 'mha.safetensors'), mha, null, normalize, info);
  }
}
