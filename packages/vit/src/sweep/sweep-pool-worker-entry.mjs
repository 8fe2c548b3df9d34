// The sweep pool's worker process started from the TypeScript sources (tests, `gqa-lab` inside the
// repository): registers tsx's loader, then runs the worker. The built package starts dist/sweep-pool-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-pool-worker.ts');
