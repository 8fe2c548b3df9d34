/**
 * Conv2d restricted to stride == kernel and no padding: the ViT patch embedding. Non-overlapping
 * patches make the convolution a reshape / permute to (patches, C*kh*kw) and one matmul with the
 * weight, stored (out, in, kh, kw) like torch.nn.Conv2d so timm checkpoints load unchanged.
 */
import { add, matmul, permute, reshape, slice, type Tensor, transpose } from '@gqa-lab/autograd';
import { type DType, defaultRng, formatShape, type Rng, uniform } from '@gqa-lab/tensor';
import { Module } from './module';
import { Parameter } from './parameter';

export interface Conv2dOptions {
  /** Must equal the kernel size (default: the kernel size). */
  stride?: number | readonly [number, number];
  bias?: boolean;
  rng?: Rng;
  dtype?: DType;
}

function pair(name: string, v: number | readonly [number, number]): [number, number] {
  const [a, b] = typeof v === 'number' ? [v, v] : v;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a <= 0 || b <= 0)
    throw new RangeError(`Conv2d: ${name} must be positive integers, got [${a}, ${b}]`);
  return [a, b];
}

export class Conv2d extends Module {
  static override readonly typeName: string = 'Conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  weight: Parameter;
  bias: Parameter | null;

  /** Initialised like PyTorch: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias, fanIn = in*kh*kw. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number, number],
    opts: Conv2dOptions = {},
  ) {
    super();
    if (
      !Number.isInteger(inChannels) ||
      inChannels <= 0 ||
      !Number.isInteger(outChannels) ||
      outChannels <= 0
    )
      throw new RangeError(
        `Conv2d: channels must be positive integers, got in ${inChannels}, out ${outChannels}`,
      );
    this.kernelSize = pair('kernelSize', kernelSize);
    const stride = pair('stride', opts.stride ?? kernelSize);
    if (stride[0] !== this.kernelSize[0] || stride[1] !== this.kernelSize[1]) {
      throw new RangeError(
        `Conv2d: only stride == kernelSize is supported (patch embedding), got stride [${stride}] and kernel [${this.kernelSize}]`,
      );
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    const [kh, kw] = this.kernelSize;
    const bound = 1 / Math.sqrt(inChannels * kh * kw);
    const rng = opts.rng ?? defaultRng();
    this.weight = new Parameter(uniform([outChannels, inChannels, kh, kw], -bound, bound, rng, opts.dtype));
    this.bias =
      (opts.bias ?? true) ? new Parameter(uniform([outChannels], -bound, bound, rng, opts.dtype)) : null;
  }

  /** x (B, C, H, W) -> (B, out, H / kh, W / kw); trailing rows / columns that do not fill a patch are dropped, as in PyTorch. */
  forward(x: Tensor): Tensor {
    const [kh, kw] = this.kernelSize;
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new RangeError(`Conv2d: input ${formatShape(x.shape)} must be (B, ${this.inChannels}, H, W)`);
    }
    const [b, c, h, w] = x.shape;
    const gh = Math.floor(h / kh);
    const gw = Math.floor(w / kw);
    if (gh === 0 || gw === 0)
      throw new RangeError(`Conv2d: input ${formatShape(x.shape)} is smaller than the kernel [${kh}, ${kw}]`);
    const cropped =
      gh * kh === h && gw * kw === w ? x : slice(x, [{}, {}, { stop: gh * kh }, { stop: gw * kw }]);
    const grid = reshape(cropped, [b, c, gh, kh, gw, kw]); // (B, C, gh, kh, gw, kw)
    const patches = reshape(permute(grid, [0, 2, 4, 1, 3, 5]), [b * gh * gw, c * kh * kw]); // (B*gh*gw, C*kh*kw)
    const w2 = reshape(this.weight, [this.outChannels, c * kh * kw]); // (out, C*kh*kw)
    let y = matmul(patches, transpose(w2, 0, 1)); // (B*gh*gw, out)
    if (this.bias) y = add(y, this.bias);
    return permute(reshape(y, [b, gh, gw, this.outChannels]), [0, 3, 1, 2]); // (B, out, gh, gw)
  }
}
