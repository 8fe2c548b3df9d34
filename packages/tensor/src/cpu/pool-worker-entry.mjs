// Entry of a pool worker thread when running from TypeScript sources (tsx, vitest): a worker's entry
// file gets no loader hooks, so this plain module loads the real worker (pool-worker.ts) through
// tsx's API (the same trick as gpujs/webgpu-worker-entry.mjs). tsx is the workspace's root devDependency.
const { tsImport } = await import('tsx/esm/api');
await tsImport(new URL('./pool-worker.ts', import.meta.url).href, import.meta.url);
