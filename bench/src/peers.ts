/**
 * The peers: tfjs-core with its CPU backend (plain JS) and its WASM backend (SIMD, forced to one thread).
 * Loaded on the first `usePeer`, not at import: loading tfjs detaches an ArrayBuffer, which turns off a V8
 * optimisation process-wide (the "array buffer detaching" protector: typed-array base and length can no
 * longer be treated as constants in optimised loops; our matmul micro-kernel measured 5.4 -> 4.6 GFLOP/s
 * after it). The suite therefore runs all of gqa-lab's cases first, then the peers', in the same run.
 */
import type * as tfType from '@tensorflow/tfjs-core';

export type PeerName = 'tfjs-cpu' | 'tfjs-wasm';
export const PEERS: readonly PeerName[] = ['tfjs-cpu', 'tfjs-wasm'];

let loaded: Promise<typeof tfType> | null = null;

/** tfjs-core with both backends registered (and the union package's gradients), loaded once. */
function loadTf(): Promise<typeof tfType> {
  loaded ??= (async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const tf = await import('@tensorflow/tfjs-core');
    // tfjs-core's Node bundle registers no gradients and its ESM gradient files do not load under Node's ESM
    // resolver; the union package's Node bundle registers them all into the same tfjs-core instance.
    await import('@tensorflow/tfjs');
    // One thread, as the reference numbers: our kernels are compared per core budget separately.
    wasm.setThreadsCount(1);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return tf;
  })();
  return loaded;
}

/** Makes `peer` tfjs's active backend; the WASM one runs the SIMD build on one thread. */
export async function usePeer(peer: PeerName): Promise<typeof tfType> {
  const tf = await loadTf();
  const ok = await tf.setBackend(peer === 'tfjs-cpu' ? 'cpu' : 'wasm');
  if (!ok) throw new Error(`peers: tfjs backend for ${peer} failed to initialise`);
  await tf.ready();
  return tf;
}

/** Whether the WASM backend found SIMD (reported next to its numbers). */
export async function wasmHasSimd(): Promise<boolean> {
  const tf = await usePeer('tfjs-wasm');
  return Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
}
