/** Dropout layer: inverted dropout while training, the identity in eval mode. */
import { dropout, type Tensor } from '@gqa-lab/autograd';
import { defaultRng, type Rng } from '@gqa-lab/tensor';
import { Module } from './module';

export interface DropoutLayerOptions {
  /**
   * Generator for the masks. Without one, the process-wide default generator (manualSeed) is read at
   * each forward, so saving `defaultRng()` in a checkpoint captures the dropout stream too.
   */
  rng?: Rng;
}

export class Dropout extends Module {
  static override readonly typeName: string = 'Dropout';
  readonly p: number;
  private readonly _rng: Rng | undefined;

  constructor(p = 0.5, opts: DropoutLayerOptions = {}) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
    this.p = p;
    this._rng = opts.rng;
  }

  /** Zeroes each element with probability p and scales survivors by 1 / (1 - p) when training. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, rng: this._rng ?? defaultRng() });
  }
}
