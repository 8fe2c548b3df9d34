/**
 * The backend contract on the reference backend and on every CPU tier (backends.ts). The gpu.js modes run the
 * same suite in gpujs-*.test.ts. On the reference backend the value checks compare it with itself; its own
 * correctness is checked independently in reference-backend.test.ts (hand-computed values, finite differences).
 */
import { referenceBackend } from '../src/index';
import { describeBackend } from './backend-contract';
import { CPU_TIERS } from './backends';

describeBackend('reference', () => referenceBackend);
for (const tier of CPU_TIERS) describeBackend(tier.name, tier.make);
