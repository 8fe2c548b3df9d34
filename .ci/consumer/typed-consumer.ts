// A TypeScript consumer of the published types, checked with `tsc --noEmit` under moduleResolution nodenext
// and bundler (tsconfig.nodenext.json / tsconfig.bundler.json). Type errors fail the check; it is not run.
import { crossEntropy, type Tensor } from '@gqa-lab/autograd';
import { GroupedQueryAttention, KeyNormPolicy } from '@gqa-lab/gqa';
import { AdamW, type Module, summarize } from '@gqa-lab/nn';
import { type Backend, cpuBackend, type GpuBackendOptions, NDArray, Rng } from '@gqa-lab/tensor';
import { createViT, DataLoader, type Dataset, type ViTConfig, vitPreset, withVariant } from '@gqa-lab/vit';
import { makeSyntheticDataset as browserSynthetic, type VariantKind } from '@gqa-lab/vit/browser';

const backend: Backend = cpuBackend;
const gpuOptions: GpuBackendOptions = { mode: 'webgl2', threshold: 0 };
const kind: VariantKind = 'gqa';
const config: ViTConfig = withVariant(vitPreset('vit_micro_patch7_28'), { kind }, 2);
const model: Module = createViT(config, new Rng(0));
const attn = new GroupedQueryAttention({ dim: 32, numHeads: 8, numKvHeads: 2, policy: new KeyNormPolicy() });
const data: Dataset = browserSynthetic({ n: 8, height: 28, width: 28 });
const loader = new DataLoader(data, { batchSize: 4 });
const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
const batch = loader.batch(0, 0);
const logits: Tensor = createViT(config, new Rng(1)).forward(batch.images);
const loss: Tensor = crossEntropy(logits, batch.labels);
const rows: string[] = summarize(attn).rows.map((r) => r.type);
const shape: readonly number[] = NDArray.of(new Float32Array(4), [2, 2]).shape;

// @ts-expect-error: a misspelt option must be a type error, so this file really checks the types.
new AdamW(model.parameters(), { learningRate: 1e-3 });

export { backend, gpuOptions, loss, optimizer, rows, shape };
