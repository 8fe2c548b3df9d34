/**
 * The peers: tfjs-core with its CPU backend (plain JS) and its WASM backend (SIMD, forced to one thread).
 * Both are registered on import; `usePeer` switches tfjs's global backend before a peer's cases run.
 */
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients and its ESM gradient files do not load under Node's ESM
// resolver; the union package's Node bundle registers them all into the same tfjs-core instance.
import '@tensorflow/tfjs';

export type PeerName = 'tfjs-cpu' | 'tfjs-wasm';
export const PEERS: readonly PeerName[] = ['tfjs-cpu', 'tfjs-wasm'];

let wasmConfigured = false;

/** Makes `peer` tfjs's active backend; the WASM one runs the SIMD build on one thread. */
export async function usePeer(peer: PeerName): Promise<typeof tf> {
  if (peer === 'tfjs-wasm' && !wasmConfigured) {
    // One thread, as the reference numbers: our kernels are compared per core budget separately.
    setThreadsCount(1);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmConfigured = true;
  }
  const ok = await tf.setBackend(peer === 'tfjs-cpu' ? 'cpu' : 'wasm');
  if (!ok) throw new Error(`peers: tfjs backend for ${peer} failed to initialise`);
  await tf.ready();
  return tf;
}

/** Whether the WASM backend found SIMD (reported next to its numbers). */
export async function wasmHasSimd(): Promise<boolean> {
  return Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
}
