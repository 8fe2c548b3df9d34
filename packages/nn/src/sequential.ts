/** Sequential: applies its layers in order; children are named '0', '1', ... like torch.nn.Sequential. */
import type { Tensor } from '@gqa-lab/autograd';
import type { Layer } from './layer';
import { ModuleList } from './module';

export class Sequential extends ModuleList<Layer> {
  static override readonly typeName: string = 'Sequential';
  constructor(...layers: Layer[]) {
    super(layers);
  }

  /** x -> layer_n(... layer_0(x)). */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this) y = layer.forward(y);
    return y;
  }
}
