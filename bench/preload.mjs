// Loaded with `node --import ./bench/preload.mjs --import tsx bench/run.ts` (the `bench` script): the
// benchmark's CommonJS dependencies load natively here, before tsx registers its loader. Loaded through
// tsx's hooks instead, a CommonJS module detaches an ArrayBuffer in the main isolate, which invalidates V8's
// ArrayBufferDetaching protector for the whole process: every optimised typed-array loop (ours and
// tfjs-cpu's alike) then re-checks and reloads its arrays on each access. Measured: a one-thread 512 matmul
// ran at 4.6 GFLOP/s after `import 'benny'` through tsx, 5.3-5.4 after this preload (and in a training run,
// whose dependencies are all ours). Once loaded here, the suite's own imports of them hit the module cache.
await import('benny');
await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu');
await import('@tensorflow/tfjs-backend-wasm');
await import('@tensorflow/tfjs');
