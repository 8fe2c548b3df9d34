/**
 * 04 — train a small Vision Transformer on Fashion-MNIST.
 *
 * First measures, for a few small 28x28 configurations, how long one training step (batch 64) and one
 * evaluation image take on this machine, for MHA and GQA; then trains a micro ViT on the built-in
 * Fashion-MNIST subset (10,000 train / 2,000 test images; --full: the whole set where Debian's package is
 * installed) for a short budget and prints the metrics of each epoch. Checkpoints and metrics go to
 * runs/04-train-vit/. Run: `npx tsx examples/04-train-vit.ts [--epochs 3] [--bench-only] [--full] [--preset NAME]`.
 */
import { crossEntropy, noGrad } from '@gqa-lab/autograd';
import { AdamW } from '@gqa-lab/nn';
import { Rng } from '@gqa-lab/tensor';
import {
  createViT,
  DataLoader,
  type Dataset,
  loadBuiltinFashionMnist,
  train,
  type ViTConfig,
  vitPreset,
  withVariant,
} from '@gqa-lab/vit';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const epochs = Number(flag('epochs', '3'));
const presetName = flag('preset', 'vit_micro_patch7_28');
const normalize = { mean: [0.286], std: [0.353] }; // Fashion-MNIST channel statistics

/** Median milliseconds of one training step (forward, backward, AdamW) and of one evaluation image. */
function timeSteps(
  config: ViTConfig,
  data: Dataset,
  batch = 64,
  steps = 5,
): { stepMs: number; evalMsPerImage: number } {
  const model = createViT(config, new Rng(0));
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
  const loader = new DataLoader(data, { batchSize: batch, shuffle: true, seed: 0, normalize });
  const times: number[] = [];
  for (let s = 0; s <= steps; s++) {
    const { images, labels } = loader.batch(0, s);
    const t0 = performance.now();
    const loss = crossEntropy(model.forward(images, { step: s }), labels);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    if (s > 0) times.push(performance.now() - t0); // the first step warms the JIT up
  }
  model.eval();
  const evalBatch = loader.batch(0, 0).images;
  const t0 = performance.now();
  for (let r = 0; r < 3; r++) noGrad(() => model.forward(evalBatch));
  const evalMs = (performance.now() - t0) / (3 * batch);
  times.sort((a, b) => a - b);
  return { stepMs: times[Math.floor(times.length / 2)], evalMsPerImage: evalMs };
}

// The bundled subset keeps the run short; --full uses all 60,000 images where Debian's package has them.
const forceSubset = !args.includes('--full');
const trainSet = await loadBuiltinFashionMnist('train', { forceSubset });
const testSet = await loadBuiltinFashionMnist('test', { forceSubset });
console.log(`data: ${trainSet.source}, ${trainSet.n} train / ${testSet.n} test images of 28x28\n`);

console.log('time per training step (batch 64) and per evaluation image, this machine:');
console.log('config                variant  params   step ms  eval ms/img');
for (const name of ['vit_micro_patch7_28', 'vit_tiny_patch7_28', 'vit_tiny_patch4_28']) {
  for (const variant of ['mha', 'gqa'] as const) {
    const config = withVariant(vitPreset(name), { kind: variant }, 2);
    const params = createViT(config, new Rng(0)).numParameters();
    const { stepMs, evalMsPerImage } = timeSteps(config, trainSet);
    console.log(
      `${name.padEnd(21)} ${variant.padEnd(8)} ${String(params).padStart(7)} ${stepMs.toFixed(0).padStart(8)} ${evalMsPerImage.toFixed(2).padStart(12)}`,
    );
  }
}
if (args.includes('--bench-only')) process.exit(0);

const config = vitPreset(presetName);
const model = createViT(config, new Rng(42));
console.log(`\ntraining ${presetName} (${model.numParameters()} parameters, MHA) for ${epochs} epochs\n`);
const result = await train(
  model,
  { train: trainSet, test: testSet },
  {
    epochs,
    batchSize: 64,
    lr: 3e-3,
    weightDecay: 0.05,
    warmupSteps: 50,
    minLr: 1e-4,
    clipNorm: 1,
    labelSmoothing: 0.1,
    seed: 42,
    normalize,
    outDir: 'runs/04-train-vit',
  },
);

console.log('\nepoch  train loss  train acc  test loss  test acc   img/s  seconds');
for (const h of result.history) {
  console.log(
    `${String(h.epoch).padStart(5)} ${h.trainLoss.toFixed(4).padStart(11)} ${(100 * h.trainAccuracy).toFixed(2).padStart(9)}% ` +
      `${h.testLoss.toFixed(4).padStart(10)} ${(100 * h.testAccuracy).toFixed(2).padStart(8)}% ${h.imagesPerSecond.toFixed(0).padStart(7)} ${h.seconds.toFixed(1).padStart(8)}`,
  );
}
console.log(
  `\nbest epoch ${result.best.epoch}: test accuracy ${(100 * result.best.testAccuracy).toFixed(2)}%, ` +
    `${result.steps} steps in ${result.seconds.toFixed(1)} s, peak rss ${result.peakRssMB.toFixed(0)} MB, ` +
    `heap ${result.peakHeapMB.toFixed(0)} MB`,
);
console.log(
  'checkpoints and metrics: runs/04-train-vit/ (last.safetensors, best.safetensors, metrics.csv, metrics.jsonl)',
);
