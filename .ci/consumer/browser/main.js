// A browser app using the installed packages through a bundler (vite, production build: minified): a tiny
// GQA ViT trained for a few steps on the CPU backend in the page. '@gqa-lab/vit' resolves to its browser
// entry (no Node-only module). The page reports its result in window.gqaResult for the Playwright driver.
import { crossEntropy } from '@gqa-lab/autograd';
import { AdamW, summary } from '@gqa-lab/nn';
import { getBackend, Rng } from '@gqa-lab/tensor';
import { createViT, DataLoader, makeSyntheticDataset, vitPreset, withVariant } from '@gqa-lab/vit';

function run() {
  const config = withVariant(vitPreset('vit_micro_patch7_28'), { kind: 'gqa' }, 2);
  const model = createViT(config, new Rng(0));
  const loader = new DataLoader(makeSyntheticDataset({ n: 32, height: 28, width: 28, seed: 1 }), {
    batchSize: 16,
    shuffle: true,
  });
  const optimizer = new AdamW(model.parameters(), { lr: 3e-3 });
  const losses = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    for (const { images, labels } of loader.epoch(epoch)) {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(images), labels); // logits (16, 10)
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
  }
  return { backend: getBackend().name, losses, summary: summary(model) };
}

try {
  window.gqaResult = { ok: true, ...run() };
} catch (e) {
  window.gqaResult = { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
}
document.getElementById('out').textContent = JSON.stringify(window.gqaResult, null, 2);
