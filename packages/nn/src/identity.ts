/** Identity: returns its input (a placeholder that keeps state-dict names stable, like torch.nn.Identity). */
import type { Tensor } from '@gqa-lab/autograd';
import { Module } from './module';

export class Identity extends Module {
  static override readonly typeName: string = 'Identity';
  /** x -> x (same tensor, so gradients pass through unchanged). */
  forward(x: Tensor): Tensor {
    return x;
  }
}
