// The root config only collects packages/*/test; this one runs the bench smoke test:
// `npx vitest run --config bench/vitest.config.ts` (the lead may add bench/test to the root include).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['bench/test/**/*.test.ts'], root: '.', testTimeout: 120_000, pool: 'forks' },
});
