/**
 * Memory does not grow across training steps: after a warm-up (caches and scratch buffers reach their
 * size), many more steps of forward, backward and AdamW leave the live JS heap and ArrayBuffer bytes where
 * they were. Needs --expose-gc (vitest.config.ts passes it to the test workers).
 */
import { crossEntropy, noGrad } from '@gqa-lab/autograd';
import { AdamW } from '@gqa-lab/nn';
import { NDArray, Rng } from '@gqa-lab/tensor';
import { expect, it } from 'vitest';
import { withVariant } from '../src/config';
import { makeSyntheticDataset } from '../src/data/index';
import { vitPreset } from '../src/presets';
import { createViT } from '../src/vit';

function liveBytes(): number {
  const gc = globalThis.gc;
  if (!gc) throw new Error('memory test: run node with --expose-gc (vitest.config.ts sets execArgv)');
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

it.each(['gqa', 'kdgqa', 'dgqa-ema'] as const)(
  '%s: live heap and array buffers stay flat over 60 training steps',
  (kind) => {
    const config = withVariant(vitPreset('vit_micro_patch7_28'), { kind }, 2);
    const model = createViT(config, new Rng(0));
    const opt = new AdamW(model.parameters(), { lr: 1e-3 });
    const data = makeSyntheticDataset({ n: 32, classes: 10, height: 28, width: 28, seed: 3 });
    const images = NDArray.of(data.images, [32, 1, 28, 28]);
    const step = (i: number) => {
      const loss = crossEntropy(model.forward(images, { step: i }), data.labels);
      loss.backward();
      opt.step();
      opt.zeroGrad();
      return loss.item();
    };
    for (let i = 0; i < 10; i++) step(i);
    const before = liveBytes();
    for (let i = 10; i < 70; i++) step(i);
    noGrad(() => model.forward(images, { step: 70 })); // eval path too
    const grown = liveBytes() - before;
    // 60 steps allocate hundreds of MB of temporaries in all; a leak of even one activation per step shows.
    expect(grown).toBeLessThan(1.5 * 2 ** 20);
  },
);
