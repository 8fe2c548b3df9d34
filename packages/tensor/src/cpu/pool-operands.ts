/**
 * Operands and outputs of message-described pool jobs (attention, GELU): each distinct input storage is
 * copied once into one of the pool's extra shared slots and rebuilt as the same view on every thread; the
 * outputs are written into further slots and copied out into fresh arrays, so callers never see shared memory.
 */
import { allocate, type DType, type TypedArray } from '../dtype';
import { NDArray } from '../ndarray';
import type { MatmulThreading } from './matmul';
import { type PoolBuffers, type ScratchSlot, slotArray } from './pool-control';
import { poolBuffers, reserveExtra, runMessageJob } from './thread-pool';
import type { UnitJobMessage } from './unit-job';

/** An operand as the workers rebuild it: its storage in extra slot `slot`, and its view. */
export interface SharedOperand {
  readonly slot: number;
  readonly dtype: DType;
  readonly length: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** An output written in extra slot `slot` (dense, `length` elements). */
export interface SharedOutput {
  readonly slot: number;
  readonly length: number;
}

/** Copies the storages of `arrays` (each distinct storage once) and lays out the outputs in extra slots. */
function shareOperands(
  arrays: readonly (NDArray | null)[],
  outputLengths: readonly (number | null)[],
  dtype: DType,
  reserve: (slot: number, dtype: DType, n: number) => TypedArray,
): { inputs: (SharedOperand | null)[]; outputs: (SharedOutput | null)[] } {
  const slotOf = new Map<TypedArray, number>();
  const inputs = arrays.map((a) => {
    if (a === null) return null;
    let slot = slotOf.get(a.data);
    if (slot === undefined) {
      slot = slotOf.size;
      reserve(slot, a.dtype, a.data.length).set(a.data);
      slotOf.set(a.data, slot);
    }
    return {
      slot,
      dtype: a.dtype,
      length: a.data.length,
      shape: a.shape,
      strides: a.strides,
      offset: a.offset,
    };
  });
  let next = slotOf.size;
  const outputs = outputLengths.map((n) => {
    if (n === null) return null;
    const slot = next++;
    reserve(slot, dtype, n).fill(0, 0, n); // units that own no query head leave their rows 0
    return { slot, length: n };
  });
  return { inputs, outputs };
}

export function operandIn(slots: readonly ScratchSlot[], s: SharedOperand | null): NDArray | null {
  if (s === null) return null;
  const data = slotArray(slots[s.slot], s.dtype).subarray(0, s.length);
  return new NDArray(data, { shape: s.shape, strides: s.strides, offset: s.offset });
}

export function outputIn(
  slots: readonly ScratchSlot[],
  dtype: DType,
  s: SharedOutput | null,
): TypedArray | null {
  return s === null ? null : slotArray(slots[s.slot], dtype).subarray(0, s.length);
}

/** A job's message and the function that gives its units over a set of shared buffers. */
export interface SharedJob<M extends UnitJobMessage> {
  readonly message: M;
  readonly runner: (m: M, bufs: PoolBuffers) => { total: number; run: (unit: number) => void };
}

/**
 * Shares `arrays`, lays out outputs of `outputLengths` elements of `dtype`, and runs `units` units of the
 * job that `make` describes on the pool. Returns the outputs (fresh arrays), or null when the pool did not
 * run it (no pool, one thread, or a worker failed): the caller then computes it on its own thread.
 */
export function runSharedJob<M extends UnitJobMessage>(
  units: number,
  threading: MatmulThreading,
  arrays: readonly (NDArray | null)[],
  outputLengths: readonly (number | null)[],
  dtype: DType,
  make: (
    seq: number,
    shared: { inputs: (SharedOperand | null)[]; outputs: (SharedOutput | null)[] },
  ) => SharedJob<M>,
): (TypedArray | null)[] | null {
  const posted: { message: M | null } = { message: null };
  const threads = Math.min(threading.threads, units);
  const ok = runMessageJob(units, threads, threading.callerWorks ?? true, (seq) => {
    const job = make(seq, shareOperands(arrays, outputLengths, dtype, reserveExtra));
    posted.message = job.message;
    return { message: job.message, run: job.runner(job.message, poolBuffers()).run };
  });
  if (!ok || posted.message === null) return null;
  const slots = poolBuffers().extra;
  return posted.message.outputs.map((s) => {
    if (s === null) return null;
    const data = allocate(dtype, s.length);
    data.set(slotArray(slots[s.slot], dtype).subarray(0, s.length));
    return data;
  });
}
