/**
 * The WebAssembly tier in headless Chromium (vitest.browser.config.ts): the whole backend contract with
 * kernels 'wasm' (one thread: no worker pool in a page), after checking that Chromium validates the
 * SIMD module, so the tier is really the one under test.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend, wasmSimdSupported } from '../src/index';
import { describeBackend } from './backend-contract';

describe('wasm tier in the browser', () => {
  it('Chromium validates the SIMD kernel module', () => {
    expect(wasmSimdSupported()).toBe(true);
  });
});

describeBackend('cpu-wasm (browser)', () => createCpuBackend({ name: 'cpu-wasm-browser', kernels: 'wasm' }));
