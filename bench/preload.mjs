// Loaded with `node --import ./bench/preload.mjs --import tsx bench/run.ts` (the `bench` script): benny, a
// CommonJS package, loads natively here, before tsx registers its loader. Loaded through tsx's hooks, a
// CommonJS module detaches an ArrayBuffer in the main isolate, which invalidates V8's ArrayBufferDetaching
// protector for the whole process (`node --trace-protector-invalidation` shows it): V8 then no longer embeds
// a constant typed array's base and length in optimised loops, which our kernels' fixed workspaces rely on.
// Measured: a one-thread 512 matmul ran at 4.6 GFLOP/s after `import 'benny'` through tsx, 5.3-5.4 after
// this preload (and in a training run, which loads no CommonJS). The suite's own import of benny then hits the
// module cache. tfjs (also CommonJS) loads later, lazily, after all of gqa-lab's cases (src/peers.ts); it
// is not preloaded because its heap makes every later garbage collection of our cases slower.
await import('benny');
