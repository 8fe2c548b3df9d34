// The README's "Use it as a library" example: a tiny ViT whose 8 query heads share 2 key/value heads (GQA),
// trained for a few steps on synthetic 28x28 images, saved as a safetensors checkpoint and loaded back.
// Plain Node 20 (ESM), with only the @gqa-lab packages installed.
import { argmax, crossEntropy, noGrad } from '@gqa-lab/autograd';
import { AdamW, loadCheckpoint, saveCheckpoint, summary } from '@gqa-lab/nn';
import { Rng } from '@gqa-lab/tensor';
import { createViT, DataLoader, makeSyntheticDataset, vitPreset, withVariant } from '@gqa-lab/vit';

const rng = new Rng(0);
const config = withVariant(vitPreset('vit_micro_patch7_28'), { kind: 'gqa' }, 2);
const model = createViT(config, rng);
console.log(summary(model));

const data = makeSyntheticDataset({ n: 64, height: 28, width: 28, seed: 1 });
const loader = new DataLoader(data, { batchSize: 16, shuffle: true, seed: 2 });
const optimizer = new AdamW(model.parameters(), { lr: 3e-3 });
for (let epoch = 0; epoch < 2; epoch++) {
  for (const { images, labels } of loader.epoch(epoch)) {
    optimizer.zeroGrad();
    const loss = crossEntropy(model.forward(images), labels); // logits (16, 10)
    loss.backward();
    optimizer.step();
    console.log(`epoch ${epoch} loss ${loss.item().toFixed(4)}`);
  }
}

await saveCheckpoint('tiny-gqa.safetensors', { model, optimizer, rng, step: 8, epoch: 2 });
const restored = createViT(config, new Rng(99));
const { step } = await loadCheckpoint('tiny-gqa.safetensors', { model: restored });
model.eval();
restored.eval();
const { images } = loader.batch(0, 0);
const predict = (m) => noGrad(() => argmax(m.forward(images), 1).toArray().join());
const same = predict(model) === predict(restored);
console.log(`restored at step ${step}; same predictions: ${same}`);
if (!same) process.exit(1);
