import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'testing/**/*.test.ts',
      'playground/test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The memory-growth tests force garbage collection before measuring.
    execArgv: ['--expose-gc'],
  },
});
