/** Static maps: MHA (G = H), MQA (G = 1) and GQA (contiguous groups of H / G). */
import { uniformAllocation } from '../head-map';
import type { Fidelity, HeadPolicy, PolicyContext } from './policy';

/**
 * The uniform allocation H / G every forward. There is no published quirk to reproduce, so
 * 'reference' and 'corrected' behave identically.
 */
export class StaticPolicy implements HeadPolicy {
  readonly kind = 'static';
  constructor(readonly fidelity: Fidelity = 'corrected') {}

  allocate(ctx: PolicyContext): Int32Array {
    return uniformAllocation(ctx.numHeads, ctx.numKvHeads);
  }
}
