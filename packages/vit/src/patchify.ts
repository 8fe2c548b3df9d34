/**
 * PatchEmbed: cut an image into non-overlapping p x p patches and project each to a token, like timm's
 * PatchEmbed (a Conv2d with stride = kernel = p, weight (C_out, C_in, p, p), saved as `proj.*`).
 */
import { permute, reshape, type Tensor } from '@gqa-lab/autograd';
import { Conv2d, Module } from '@gqa-lab/nn';
import { type DType, formatShape, type Rng } from '@gqa-lab/tensor';

export interface PatchEmbedOptions {
  imageSize: number;
  patchSize: number;
  inChannels: number;
  dim: number;
  rng: Rng;
  dtype?: DType;
}

export class PatchEmbed extends Module {
  static override readonly typeName: string = 'PatchEmbed';
  readonly imageSize: number;
  readonly patchSize: number;
  /** Patches per side. */
  readonly gridSize: number;
  readonly numPatches: number;
  proj: Conv2d;

  constructor(opts: PatchEmbedOptions) {
    super();
    const { imageSize, patchSize } = opts;
    if (imageSize % patchSize !== 0)
      throw new RangeError(`PatchEmbed: imageSize ${imageSize} is not a multiple of patchSize ${patchSize}`);
    this.imageSize = imageSize;
    this.patchSize = patchSize;
    this.gridSize = imageSize / patchSize;
    this.numPatches = this.gridSize * this.gridSize;
    this.proj = new Conv2d(opts.inChannels, opts.dim, patchSize, { rng: opts.rng, dtype: opts.dtype });
  }

  /** x (B, C, H, W) -> tokens (B, N, D) in row-major patch order (timm's flatten(2).transpose(1, 2)). */
  forward(x: Tensor): Tensor {
    const s = this.imageSize;
    if (x.rank !== 4 || x.shape[2] !== s || x.shape[3] !== s) {
      throw new RangeError(`PatchEmbed: input ${formatShape(x.shape)} must be (B, C, ${s}, ${s})`);
    }
    const y = this.proj.forward(x); // (B, D, gh, gw)
    const [B, D] = y.shape;
    return permute(reshape(y, [B, D, this.numPatches]), [0, 2, 1]); // (B, N, D)
  }
}
