/**
 * Weight initialisation in place on a tensor's storage, like torch.nn.init. Every random initialiser
 * draws from a seeded Rng (the default generator when none is given), never an unseeded source.
 */
import type { Tensor } from '@gqa-lab/autograd';
import { defaultRng, formatShape, NDArray, type Rng } from '@gqa-lab/tensor';

/** Writes fill(i) into every element of t's storage (replacing a non-dense view with dense storage). */
function fillInPlace(op: string, t: Tensor, fill: (i: number) => number): Tensor {
  if (t.dtype === 'int32')
    throw new TypeError(`${op}: tensor ${formatShape(t.shape)} is int32, not a float tensor`);
  if (!t.data.isDense) t.data = NDArray.empty(t.shape, t.dtype);
  const v = t.data.data;
  for (let i = 0; i < v.length; i++) v[i] = fill(i);
  return t;
}

/** U(low, high). */
export function uniform_(t: Tensor, low = 0, high = 1, rng: Rng = defaultRng()): Tensor {
  return fillInPlace('uniform_', t, () => rng.uniform(low, high));
}

/** N(mean, std^2). */
export function normal_(t: Tensor, mean = 0, std = 1, rng: Rng = defaultRng()): Tensor {
  return fillInPlace('normal_', t, () => rng.normal(mean, std));
}

export interface TruncNormalOptions {
  mean?: number;
  /** Default 0.02, the std timm uses for ViT weights. */
  std?: number;
  /** Absolute bounds (not in units of std), as in torch / timm trunc_normal_; default [-2, 2]. */
  a?: number;
  b?: number;
}

/** N(mean, std^2) redrawn until inside [a, b] (timm's trunc_normal_(w, std=.02)). */
export function truncNormal_(t: Tensor, opts: TruncNormalOptions = {}, rng: Rng = defaultRng()): Tensor {
  const { mean = 0, std = 0.02, a = -2, b = 2 } = opts;
  if (!(a < b)) throw new RangeError(`truncNormal_: bounds must satisfy a < b, got [${a}, ${b}]`);
  if (!(std > 0)) throw new RangeError(`truncNormal_: std must be positive, got ${std}`);
  if (mean + 8 * std < a || mean - 8 * std > b)
    throw new RangeError(
      `truncNormal_: [${a}, ${b}] is more than 8 std from the mean ${mean}; sampling would not end`,
    );
  return fillInPlace('truncNormal_', t, () => {
    let v = rng.normal(mean, std);
    while (v < a || v > b) v = rng.normal(mean, std);
    return v;
  });
}

/** Sets every element to `value`. */
export function constant_(t: Tensor, value: number): Tensor {
  return fillInPlace('constant_', t, () => value);
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** (fanIn, fanOut) like torch: dims 1 and 0 times the receptive field (product of dims 2..). */
export function calculateFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2)
    throw new RangeError(`calculateFans: fan in and fan out need at least 2 dims, got ${formatShape(shape)}`);
  const receptive = shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain); `param` is leaky_relu's slope. */
export function calculateGain(nonlinearity: Nonlinearity, param = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + param * param));
    case 'selu':
      return 3 / 4;
  }
}

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, rng: Rng = defaultRng()): Tensor {
  const { fanIn, fanOut } = calculateFans(t.shape);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, rng);
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, rng: Rng = defaultRng()): Tensor {
  const { fanIn, fanOut } = calculateFans(t.shape);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), rng);
}

export interface KaimingOptions {
  /** Negative slope of leaky_relu (torch's `a`, default 0). */
  a?: number;
  /** 'fanIn' keeps the forward variance, 'fanOut' the backward variance (default 'fanIn'). */
  mode?: 'fanIn' | 'fanOut';
  /** Default 'leaky_relu', as in torch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(shape: readonly number[], opts: KaimingOptions): number {
  const fans = calculateFans(shape);
  const fan = (opts.mode ?? 'fanIn') === 'fanIn' ? fans.fanIn : fans.fanOut;
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan);
}

/** He uniform: U(-b, b) with b = sqrt(3) * gain / sqrt(fan). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}, rng: Rng = defaultRng()): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t.shape, opts);
  return uniform_(t, -bound, bound, rng);
}

/** He normal: N(0, (gain / sqrt(fan))^2). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}, rng: Rng = defaultRng()): Tensor {
  return normal_(t, 0, kaimingStd(t.shape, opts), rng);
}
