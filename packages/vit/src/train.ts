/**
 * The training loop, to be read top to bottom (after nanoGPT's train.py): AdamW with weight-decay
 * groups, linear warmup + cosine lr, gradient clipping, optional label smoothing, an evaluation each
 * epoch, the best checkpoint by test loss, atomic checkpoints with exact resume, a NaN / Inf guard,
 * CSV / JSONL metrics, a progress line and peak memory.
 *
 * Exact resume: the checkpoint holds the model (policy buffers included), AdamW's moments, the step (the
 * schedule is a pure function of it), the model's RNG and the position in the data; the DataLoader's
 * batches depend only on (seed, epoch, batch), so k steps + save + load + (N - k) steps equal N steps.
 */
import { join } from 'node:path';
import { loadCheckpoint, removeStaleTempFiles, saveCheckpoint } from '@gqa-lab/nn';
import type { Dataset } from './data/dataset';
import { DataLoader } from './data/loader';
import { evaluate, type ImageClassifier } from './evaluate';
import { PeakMemory } from './memory';
import { type EpochMetrics, MetricsLog } from './metrics-log';
import { formatDuration, Progress } from './progress';
import {
  firstNonFinite,
  NonFiniteLossError,
  type TrainConfig,
  type TrainHooks,
  type TrainResult,
} from './train-config';
import {
  type BestEpoch,
  checkFingerprint,
  checkLoopState,
  type Fingerprint,
  initialLoopState,
  loopStateFromJson,
  loopStateToJson,
} from './train-state';
import { makeOptimizer, trainStep } from './train-step';

// The loop's types live in train-config.ts; re-exported so `./train` offers the whole training API.
export {
  NonFiniteLossError,
  type StepInfo,
  type TrainConfig,
  type TrainHooks,
  type TrainResult,
} from './train-config';

/** Trains `model` on data.train, evaluating on data.test each epoch; see TrainConfig. */
export async function train(
  model: ImageClassifier,
  data: { train: Dataset; test: Dataset },
  cfg: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  // --- data: batches depend only on (seed, epoch, batch) ---
  if (data.train.n < cfg.batchSize)
    throw new RangeError(
      `train: batchSize ${cfg.batchSize} is larger than the training set (${data.train.n} images)`,
    );
  const loader = new DataLoader(data.train, {
    batchSize: cfg.batchSize,
    shuffle: true,
    dropLast: true,
    seed: cfg.seed,
    augment: cfg.augment,
    normalize: cfg.normalize,
  });
  const batches = loader.numBatches;
  const totalSteps = cfg.epochs * batches;
  const stopAt = Math.min(totalSteps, cfg.maxSteps ?? totalSteps);
  // --- optimizer and schedule (a pure function of the step) ---
  const { optimizer, schedule } = makeOptimizer(model, cfg, totalSteps);
  // --- state, fresh or from a checkpoint ---
  // Temp files of atomic writes killed mid-way (a crash, a SIGKILL) are removed at the next start.
  if (cfg.outDir)
    await removeStaleTempFiles(cfg.outDir, ['last.safetensors', 'best.safetensors', 'model.safetensors']);
  const lastPath = cfg.outDir ? join(cfg.outDir, 'last.safetensors') : null;
  const bestPath = cfg.outDir ? join(cfg.outDir, 'best.safetensors') : null;
  const fingerprint = fingerprintOf(model, cfg, data.train.n);
  let s = initialLoopState(fingerprint);
  const resumePath = typeof cfg.resume === 'string' ? cfg.resume : cfg.resume ? lastPath : null;
  if (cfg.resume && !resumePath)
    throw new Error('train: resume: true needs outDir (or pass a checkpoint path)');
  if (resumePath) {
    // The run's own optimizer settings, which a checkpoint's groups would otherwise overwrite on load.
    const own = optimizer.paramGroups.map((g) => ({ weightDecay: g.weightDecay, betas: g.betas }));
    const loaded = await loadCheckpoint(resumePath, { model, optimizer, rng: model.rng });
    s = loopStateFromJson(resumePath, loaded.extra);
    checkFingerprint(
      resumePath,
      s.fingerprint,
      fingerprint,
      cfg.allowChange,
      s.batch > 0 ? s.epoch + 1 : s.epoch,
    );
    checkLoopState(resumePath, s, batches, loaded.step);
    // Allowed changes take effect from here on (unchanged ones are equal anyway).
    for (const [i, g] of optimizer.paramGroups.entries()) Object.assign(g, own[i]);
    s.fingerprint = fingerprint;
  }
  const metrics = cfg.outDir
    ? new MetricsLog(cfg.outDir, resumePath ? { epoch: s.epoch + 1, step: s.step } : undefined)
    : null;
  const progress = cfg.quiet ? null : new Progress({ every: cfg.logEvery ?? Math.ceil(batches / 10) });
  const memory = new PeakMemory();
  memory.sample();
  let savedGood: string | null = resumePath;
  const save = async (path: string) => {
    // A step can turn weights into NaN with a finite loss; such weights never overwrite a good checkpoint.
    const bad = firstNonFinite(model);
    if (bad !== null) {
      const epoch = s.batch === 0 && s.step > 0 ? s.epoch - 1 : s.epoch; // the epoch the last step was in
      throw new NonFiniteLossError('parameters', bad, s.step - 1, epoch, savedGood);
    }
    await saveCheckpoint(path, {
      model,
      optimizer,
      rng: model.rng,
      step: s.step,
      epoch: s.epoch,
      extra: loopStateToJson(s),
    });
  };
  const segmentStart = performance.now();
  const priorSeconds = s.elapsedSeconds; // earlier segments of a resumed run
  const elapsed = () => priorSeconds + (performance.now() - segmentStart) / 1000;

  // --- the loop ---
  let cutEpoch: EpochMetrics | null = null;
  let cutBest: BestEpoch | null = null;
  model.train();
  while (s.epoch < cfg.epochs && s.step < stopAt) {
    const epochStart = performance.now() - s.epochSeconds * 1000;
    for (const { images, labels } of loader.epoch(s.epoch, s.batch)) {
      if (s.step >= stopAt) break;
      const t0 = performance.now();
      const lr = schedule(s.step);
      const attentionStep = cfg.attentionStep === 'batchInEpoch' ? s.batch : s.step;
      const {
        loss: lossValue,
        gradNorm,
        correct,
      } = trainStep(model, optimizer, images, labels, {
        lr,
        attentionStep,
        labelSmoothing: cfg.labelSmoothing,
        clipNorm: cfg.clipNorm,
        nonFinite: (what, value) => {
          throw new NonFiniteLossError(what, value, s.step, s.epoch, savedGood);
        },
      });
      // --- bookkeeping ---
      s.step++;
      s.batch++;
      s.lossSum += lossValue * labels.length;
      s.correct += correct;
      s.seen += labels.length;
      s.trainSeconds += (performance.now() - t0) / 1000;
      s.epochSeconds = (performance.now() - epochStart) / 1000;
      memory.sample();
      const info = {
        epoch: s.epoch + 1,
        batch: s.batch,
        step: s.step,
        loss: lossValue,
        accuracy: correct / labels.length,
        lr,
        gradNorm,
      };
      hooks.onStep?.(info);
      if (metrics && s.step % (cfg.logEvery ?? 10) === 0) metrics.appendStep({ ...info });
      const rate = s.seen / Math.max(s.trainSeconds, 1e-9);
      progress?.update({
        epoch: s.epoch + 1,
        epochs: cfg.epochs,
        batch: s.batch,
        batches,
        loss: s.lossSum / s.seen,
        accuracy: s.correct / s.seen,
        imagesPerSecond: rate,
        etaSeconds: ((stopAt - s.step) * cfg.batchSize) / rate,
      });
      if (lastPath && cfg.checkpointEvery && s.step % cfg.checkpointEvery === 0 && s.batch < batches) {
        await save(lastPath);
        savedGood = lastPath;
      }
    }
    // --- end of the epoch (or of the run, when maxSteps cuts it): evaluate, log, checkpoint ---
    if (s.seen === 0) break;
    const epochDone = s.batch === batches;
    // Evaluation must not move the training RNG (PGQA reference draws noise in eval mode), so that
    // when a run is evaluated never changes how it trains.
    // A cut epoch's evaluation happens only in an interrupted run, so it must not change module state either
    // (reference DGQA updates its cache and splits in eval mode, as the published code does).
    const rngState = model.rng?.getState();
    const before = epochDone ? null : new Map([...model.stateDict()].map(([k, v]) => [k, v.clone()]));
    const test = evaluate(model, data.test, {
      batchSize: cfg.evalBatchSize ?? cfg.batchSize,
      normalize: cfg.normalize,
      step: s.step,
    });
    if (rngState) model.rng?.setState(rngState);
    if (before) model.loadStateDict(before);
    // A non-finite test loss stops the run like a non-finite training loss, before anything is saved.
    if (!Number.isFinite(test.loss))
      throw new NonFiniteLossError('test loss', test.loss, s.step - 1, s.epoch, savedGood);
    const row: EpochMetrics = {
      epoch: s.epoch + 1,
      step: s.step,
      trainLoss: s.lossSum / s.seen,
      trainAccuracy: s.correct / s.seen,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      lr: schedule(s.step - 1),
      imagesPerSecond: s.seen / Math.max(s.trainSeconds, 1e-9),
      seconds: (performance.now() - epochStart) / 1000,
    };
    // The best is chosen among whole epochs (so a resumed run picks what an uninterrupted one picks);
    // a run cut before its first whole epoch reports its one evaluation, without keeping it as state.
    const scored = { epoch: row.epoch, testLoss: row.testLoss, testAccuracy: row.testAccuracy };
    const isBest = epochDone ? s.best === null || row.testLoss < s.best.testLoss : s.best === null;
    if (isBest && epochDone) s.best = scored;
    if (isBest && !epochDone) cutBest = scored;
    metrics?.appendEpoch(row);
    hooks.onEpoch?.(row);
    progress?.line(
      `epoch ${row.epoch}/${cfg.epochs}: train loss ${row.trainLoss.toFixed(4)} acc ${(100 * row.trainAccuracy).toFixed(2)}% | ` +
        `test loss ${row.testLoss.toFixed(4)} acc ${(100 * row.testAccuracy).toFixed(2)}% | ` +
        `${row.imagesPerSecond.toFixed(0)} img/s, ${formatDuration(row.seconds)}, peak rss ${memory.peaks.rssMB.toFixed(0)} MB`,
    );
    if (epochDone) {
      // Only whole epochs enter the saved history; a cut one is reported now and again, whole, after resuming.
      s.history.push(row);
      s = {
        ...s,
        epoch: s.epoch + 1,
        batch: 0,
        lossSum: 0,
        correct: 0,
        seen: 0,
        trainSeconds: 0,
        epochSeconds: 0,
      };
    } else {
      cutEpoch = row;
    }
    s.elapsedSeconds = elapsed();
    if (lastPath) {
      await save(lastPath);
      savedGood = lastPath;
    }
    if (bestPath && isBest) await save(bestPath);
    if (!epochDone) break;
  }
  const peaks = memory.peaks;
  return {
    history: cutEpoch ? [...s.history, cutEpoch] : [...s.history],
    best: s.best ?? cutBest ?? { epoch: 0, testLoss: Number.NaN, testAccuracy: Number.NaN },
    steps: s.step,
    peakRssMB: peaks.rssMB,
    peakHeapMB: peaks.heapMB,
    seconds: elapsed(),
  };
}

/** Every setting that shapes the run, stored in each checkpoint and compared on resume. */
function fingerprintOf(model: ImageClassifier, cfg: TrainConfig, datasetSize: number): Fingerprint {
  const config: unknown = Reflect.get(model, 'config');
  let architecture = '';
  let fidelity: string | null = null;
  if (typeof config === 'object' && config !== null) {
    const variant: unknown = Reflect.get(config, 'variant');
    const f: unknown =
      typeof variant === 'object' && variant !== null ? Reflect.get(variant, 'fidelity') : undefined;
    fidelity = typeof f === 'string' ? f : 'corrected';
    architecture = JSON.stringify(config, (key, value) => (key === 'fidelity' ? undefined : value));
  }
  return {
    batchSize: cfg.batchSize,
    seed: cfg.seed,
    datasetSize,
    model: `${model.constructor.name}:${model.numParameters()}`,
    architecture,
    epochs: cfg.epochs,
    lr: cfg.lr,
    weightDecay: cfg.weightDecay,
    betas: [...(cfg.betas ?? [0.9, 0.999])],
    warmupSteps: cfg.warmupSteps ?? 0,
    minLr: cfg.minLr ?? 0,
    clipNorm: cfg.clipNorm ?? null,
    labelSmoothing: cfg.labelSmoothing ?? 0,
    attentionStep: cfg.attentionStep ?? 'global',
    normalize: cfg.normalize ? { mean: [...cfg.normalize.mean], std: [...cfg.normalize.std] } : null,
    fidelity,
  };
}
