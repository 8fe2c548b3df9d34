// Entry of the webgpu worker thread when running from TypeScript sources (vitest, tsx): Node 20 does not
// apply `--import` loader hooks to a worker's entry file, so this plain module loads the real worker
// (webgpu-worker.ts) through tsx's API. tsx is the workspace's root devDependency.
const { tsImport } = await import('tsx/esm/api');
await tsImport(new URL('./webgpu-worker.ts', import.meta.url).href, import.meta.url);
