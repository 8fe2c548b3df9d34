import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: [
            'packages/*/test/**/*.test.ts',
            'examples/**/*.test.ts',
            'bench/test/**/*.test.ts',
            'testing/**/*.test.ts',
            'playground/test/**/*.test.ts',
          ],
          // The memory-growth tests force garbage collection before measuring.
          execArgv: ['--expose-gc'],
        },
      },
      {
        // The opt-in relaxed-SIMD FMA kernel (GQA_WASM_FMA): Node 20 validates relaxed SIMD only under this V8
        // flag, which NODE_OPTIONS does not accept, so these files run in workers started with it.
        extends: true,
        test: {
          name: 'relaxed-simd',
          include: ['packages/*/test/**/*.relaxed-simd.ts'],
          execArgv: ['--expose-gc', '--experimental-wasm-relaxed-simd'],
        },
      },
    ],
  },
});
