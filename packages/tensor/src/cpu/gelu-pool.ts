/**
 * GELU and its gradient on the worker pool for large inputs: units are fixed chunks of elements (so the
 * split never depends on the thread count), each computed by the same loop as on one thread (gelu.ts).
 * Worth it because GELU costs ~9-12 ns per element while copying its operands into shared memory and the
 * result out costs ~1.
 */
import type { GeluApproximate } from '../backend';
import type { DType } from '../dtype';
import { NDArray } from '../ndarray';
import { geluBackwardInto, geluInto } from './gelu';
import type { MatmulThreading } from './matmul';
import type { PoolBuffers } from './pool-control';
import { operandIn, outputIn, runSharedJob, type SharedOperand, type SharedOutput } from './pool-operands';

/** Elements per unit. */
const CHUNK = 1 << 15;
/** Below this many elements GELU stays on the calling thread (posting a job costs tens of microseconds). */
const MIN_POOLED = 1 << 17;

/** What a worker needs for a GELU job (posted once per job; arrays travel as shared slots). */
export interface GeluJobMessage {
  readonly job: 'gelu' | 'geluBackward';
  readonly seq: number;
  readonly dtype: DType;
  readonly approximate: GeluApproximate;
  /** x (flattened), then dy for the backward. */
  readonly inputs: readonly (SharedOperand | null)[];
  /** The dense result. */
  readonly outputs: readonly (SharedOutput | null)[];
}

/** The units of a GELU job over the shared slots of `bufs`. */
export function geluUnits(
  m: GeluJobMessage,
  bufs: PoolBuffers,
): { total: number; run: (unit: number) => void } {
  const x = operandIn(bufs.extra, m.inputs[0] ?? null);
  const dy = operandIn(bufs.extra, m.inputs[1] ?? null);
  const out = outputIn(bufs.extra, m.dtype, m.outputs[0] ?? null);
  if (x === null || out === null || (m.job === 'geluBackward' && dy === null)) {
    throw new Error(`${m.job} pool job: its input${m.job === 'gelu' ? '' : 's'} and output are required`);
  }
  const n = x.size;
  const chunk = (a: NDArray, u: number) =>
    a.slice([{ start: u * CHUNK, stop: Math.min(n, (u + 1) * CHUNK) }]);
  return {
    total: Math.ceil(n / CHUNK),
    run:
      dy === null
        ? (u) => geluInto(chunk(x, u), m.approximate, out, u * CHUNK)
        : (u) => geluBackwardInto(chunk(x, u), chunk(dy, u), m.approximate, out, u * CHUNK),
  };
}

/** gelu (dy = null) or its backward on the pool; null when it should run on this thread. */
export function geluOnPool(
  x: NDArray,
  dy: NDArray | null,
  approximate: GeluApproximate,
  threading: MatmulThreading,
): NDArray | null {
  const n = x.size;
  // minMacs 0 (tests) sends everything with two or more units; otherwise GELU's own size threshold applies.
  const least = threading.minMacs === 0 ? 2 * CHUNK : MIN_POOLED;
  if (threading.threads < 2 || n < least || x.dtype === 'int32') return null;
  if (dy !== null && (dy.size !== n || dy.dtype !== x.dtype)) return null; // the kernel reports the mismatch
  const flat = (a: NDArray) => a.reshape([n]); // a view when contiguous, else one copy
  const arrays = dy === null ? [flat(x)] : [flat(x), flat(dy)];
  const job = dy === null ? 'gelu' : 'geluBackward';
  const outs = runSharedJob(Math.ceil(n / CHUNK), threading, arrays, [n], x.dtype, (seq, shared) => ({
    message: { job, seq, dtype: x.dtype, approximate, ...shared },
    runner: geluUnits,
  }));
  const out = outs?.[0];
  return out ? NDArray.of(out, x.shape) : null;
}
