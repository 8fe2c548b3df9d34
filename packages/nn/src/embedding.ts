/** Embedding: a lookup table of learned vectors, weight (num, dim) initialised N(0, 1) like PyTorch. */
import { type IndexLike, indexSelect, reshape, type Tensor, toIndex } from '@gqa-lab/autograd';
import { type DType, defaultRng, NDArray, normal, type Rng } from '@gqa-lab/tensor';
import { Module } from './module';
import { Parameter } from './parameter';

export interface EmbeddingOptions {
  rng?: Rng;
  dtype?: DType;
}

export class Embedding extends Module {
  static override readonly typeName: string = 'Embedding';
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    for (const [name, n] of [
      ['numEmbeddings', numEmbeddings],
      ['embeddingDim', embeddingDim],
    ] as const) {
      if (!Number.isInteger(n) || n <= 0)
        throw new RangeError(`Embedding: ${name} must be a positive integer, got ${n}`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    const rng = opts.rng ?? defaultRng();
    this.weight = new Parameter(normal([numEmbeddings, embeddingDim], 0, 1, rng, opts.dtype));
  }

  /** indices (...) -> (..., dim); the gradient is scattered back into the used rows. */
  forward(indices: IndexLike): Tensor {
    const idx = toIndex('Embedding', indices);
    const flat = idx.values();
    for (let i = 0; i < flat.length; i++) {
      if (flat[i] < 0 || flat[i] >= this.numEmbeddings)
        throw new RangeError(
          `Embedding: index ${flat[i]} at ${i} is out of range for ${this.numEmbeddings} rows`,
        );
    }
    const rows = indexSelect(this.weight, 0, NDArray.of(flat, [flat.length])); // (N, dim)
    return reshape(rows, [...idx.shape, this.embeddingDim]);
  }
}
