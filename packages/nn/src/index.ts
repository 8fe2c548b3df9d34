/** @gqa-lab/nn: modules, layers, init, losses, optimizers, schedules, state dicts and checkpoints. */
// Everything that runs in a browser (browser.ts), plus the Node file-system parts.
export * from './browser';
export * from './checkpoint';
export * from './io/index';
