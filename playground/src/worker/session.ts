/**
 * One training session in the worker, the CLI's up-training laid out for a page: the MHA model (pretrained here,
 * or a loaded model file), then each chosen variant converted from it (vit's convertToVariant) and fine-tuned
 * with the same seed and budget, every step reported; results.json in the CLI's schema at the end.
 */
import type { TelemetryRecorder } from '@gqa-lab/gqa';
import { Rng } from '@gqa-lab/tensor';
import {
  attachTelemetry,
  captureKeys,
  convertToVariant,
  createViT,
  DataLoader,
  type Dataset,
  detachTelemetry,
  type EpochRecord,
  evaluate,
  foldWeightedLayers,
  limitDataset,
  RESULTS_SCHEMA,
  TRACED_VARIANTS,
  trainNormalization,
  type UptrainResults,
  type UptrainVariant,
  type VariantRun,
  type ViT,
  variantRunRecord,
  vitPreset,
} from '@gqa-lab/vit/browser';
import type { FromWorker } from '../protocol';
import type { Settings } from '../settings';
import { bundledFashionMnist } from './data';
import { fit } from './fine-tune';
import { type Pacer, StopRequested } from './pacer';

export type Post = (message: FromWorker) => void;

/** What the worker keeps between messages: trained models (downloads, attention maps) and a loaded model. */
export interface WorkerState {
  models: Map<string, { model: ViT; groupSizes: number[][] | null }>;
  normalize: { mean: number[]; std: number[] } | null;
  /** An MHA model from a loaded file: used instead of pretraining. */
  loadedMha: ViT | null;
  test: Dataset | null;
}

export interface ExperimentData {
  train: Dataset;
  test: Dataset;
  normalize: { mean: number[]; std: number[] };
}

/** The bundled data limited as the settings say, with the training set's normalisation. */
export async function experimentData(settings: Settings): Promise<ExperimentData> {
  const all = await bundledFashionMnist();
  const train = limitDataset(all.train, settings.trainImages);
  return { train, test: limitDataset(all.test, settings.testImages), normalize: trainNormalization(train) };
}

/** Runs the whole session; a stop keeps the runs finished so far and reports them as results. */
export async function runSession(
  settings: Settings,
  state: WorkerState,
  pacer: Pacer,
  post: Post,
): Promise<void> {
  const started = performance.now();
  post({ type: 'status', text: 'loading the bundled Fashion-MNIST subset' });
  const data = await experimentData(settings);
  // A loaded model keeps its own preset: its normalisation is not stored by the browser, the data's is used.
  state.normalize = data.normalize;
  state.test = data.test;
  state.models.clear();
  const runs: VariantRun[] = [];
  let pretrain: UptrainResults['pretrain'] = {
    origin: 'trained',
    testAccuracy: 0,
    testLoss: 0,
    seconds: 0,
    history: [],
  };
  let stopped = false;
  try {
    const mha = await pretrainedMha(settings, state, data, pacer, post, (p) => {
      pretrain = p;
    });
    state.models.set('pretrain', { model: mha, groupSizes: null });
    const calibrationKeys = settings.variants.includes('asymgqa')
      ? captureKeys(mha, calibration(data, settings))
      : undefined;
    for (const variant of settings.variants) {
      runs.push(await fineTuneVariant(variant, mha, settings, data, state, pacer, post, calibrationKeys));
    }
  } catch (e) {
    if (!(e instanceof StopRequested)) throw e;
    stopped = true;
  }
  const results: UptrainResults = {
    schema: RESULTS_SCHEMA,
    config: { ...settings, variants: [...settings.variants], source: 'gqa-lab playground' },
    dataset: {
      name: 'fashion-mnist-subset',
      source: 'builtin-subset',
      trainSize: data.train.n,
      testSize: data.test.n,
      classes: data.train.classes.length,
      imageSize: data.train.height,
      channels: data.train.channels,
    },
    pretrain,
    runs,
    totalSeconds: (performance.now() - started) / 1000,
  };
  post({ type: 'done', results, stopped });
}

async function pretrainedMha(
  settings: Settings,
  state: WorkerState,
  data: ExperimentData,
  pacer: Pacer,
  post: Post,
  record: (p: UptrainResults['pretrain']) => void,
): Promise<ViT> {
  const evalOpts = { batchSize: 100, normalize: data.normalize };
  if (state.loadedMha) {
    const m = evaluate(state.loadedMha, data.test, evalOpts);
    record({
      origin: 'loaded model file',
      testAccuracy: m.accuracy,
      testLoss: m.loss,
      seconds: 0,
      history: [],
    });
    post({
      type: 'status',
      text: `using the loaded MHA model (test accuracy ${(100 * m.accuracy).toFixed(1)}%)`,
    });
    return state.loadedMha;
  }
  const model = createViT(vitPreset(settings.preset), new Rng(settings.seed));
  const H = model.config.numHeads;
  const stepsPerEpoch = Math.floor(data.train.n / settings.batchSize);
  post({
    type: 'run-start',
    run: 'pretrain',
    variant: 'pretrain',
    kvHeadsPerLayer: new Array<number>(model.config.depth).fill(H),
    totalSteps: settings.pretrainEpochs * stepsPerEpoch,
    converted: null,
  });
  post({ type: 'status', text: `pretraining MHA ${settings.preset}` });
  const t0 = performance.now();
  const opts = {
    ...settings,
    lr: 3 * settings.lr,
    epochs: settings.pretrainEpochs,
    normalize: data.normalize,
  };
  const { history } = await fit(model, data, opts, pacer, reporter('pretrain', post), null);
  const m = evaluate(model, data.test, evalOpts);
  record({
    origin: 'trained',
    testAccuracy: m.accuracy,
    testLoss: m.loss,
    seconds: (performance.now() - t0) / 1000,
    history,
  });
  return model;
}

async function fineTuneVariant(
  variant: UptrainVariant,
  mha: ViT,
  settings: Settings,
  data: ExperimentData,
  state: WorkerState,
  pacer: Pacer,
  post: Post,
  calibrationKeys: ReturnType<typeof captureKeys> | undefined,
): Promise<VariantRun> {
  const kvHeads = variant === 'mha' ? mha.config.numHeads : variant === 'mqa' ? 1 : settings.kvHeads;
  post({ type: 'status', text: `converting the MHA model to ${variant} (${kvHeads} KV heads)` });
  const { model, groupSizes } = convertToVariant(mha, {
    variant,
    kvHeads,
    seed: settings.seed,
    fidelity: settings.fidelity,
    window: 4,
    qcqaGenerations: 20,
    calibrationKeys,
  });
  const evalOpts = { batchSize: 100, normalize: data.normalize };
  const converted = evaluate(model, data.test, evalOpts);
  const kvHeadsPerLayer = groupSizes.map((g) => g.length);
  const stepsPerEpoch = Math.floor(data.train.n / settings.batchSize);
  post({
    type: 'run-start',
    run: variant,
    variant,
    kvHeadsPerLayer,
    totalSteps: settings.epochs * stepsPerEpoch,
    converted: converted.accuracy,
  });
  post({ type: 'status', text: `fine-tuning ${variant}` });
  const recorder: TelemetryRecorder | null = TRACED_VARIANTS.includes(variant)
    ? attachTelemetry(model)
    : null;
  const t0 = performance.now();
  let history: EpochRecord[] = [];
  let steps: VariantRun['steps'] = [];
  try {
    ({ history, steps } = await fit(
      model,
      data,
      { ...settings, normalize: data.normalize },
      pacer,
      reporter(variant, post),
      recorder,
    ));
  } finally {
    detachTelemetry(model);
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  if (variant === 'wgqa') foldWeightedLayers(model);
  const final = evaluate(model, data.test, { ...evalOpts, confusion: true });
  state.models.set(variant, {
    model,
    groupSizes: variant === 'qcqa' || variant === 'asymgqa' ? groupSizes : null,
  });
  const result = variantRunRecord({
    variant,
    kvHeads,
    seed: settings.seed,
    groupSizes,
    model,
    converted,
    final,
    trainSeconds,
    history,
    steps,
    recorder,
  });
  post({ type: 'run-done', run: variant, result, confusion: final.confusion ?? [] });
  return result;
}

function reporter(run: string, post: Post) {
  return {
    step: (step: number, loss: number, accuracy: number) => post({ type: 'step', run, step, loss, accuracy }),
    epoch: (record: EpochRecord) => post({ type: 'epoch', run, record }),
    trace: (step: number, allocation: number[][], keyNorms: number[][]) =>
      post({ type: 'trace', run, step, allocation, keyNorms }),
  };
}

/** AsymGQA's calibration: the first 4 training batches in loader order, as the CLI's default. */
function calibration(data: ExperimentData, settings: Settings) {
  const loader = new DataLoader(data.train, { batchSize: settings.batchSize, normalize: data.normalize });
  const batches = [];
  for (const b of loader.epoch(0)) {
    if (batches.length >= 4) break;
    batches.push(b.images);
  }
  return batches;
}
