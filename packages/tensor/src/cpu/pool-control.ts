/**
 * The worker pool's shared control block: one Int32Array on a SharedArrayBuffer through which the caller
 * hands a matmul job to the workers without a message per job. Workers block in Atomics.wait on SEQ; the
 * caller makes SEQ odd (writing), waits until no worker is still inside the previous job (ACTIVE = 0),
 * writes the job descriptor, makes SEQ even (ready) and notifies. A worker joins by incrementing ACTIVE
 * and re-checking SEQ, so it never reads a half-written descriptor or takes a unit of the next job.
 * The arrays themselves live on shared scratch buffers that reach a worker by message only when they are
 * replaced (grown): EPOCH counts replacements, and a worker whose buffers are older skips the job.
 */
import type { DType, TypedArray } from '../dtype';
import type { MatmulJob } from './matmul-job';
import type { MatmulPlan } from './matmul-plan';

/**
 * What the message of every message-described job carries (unit-job.ts lists the jobs): its kind, and the
 * sequence number of the published job it belongs to.
 */
export interface MessageJob {
  readonly job: string;
  readonly seq: number;
}

/** Job sequence number: odd while the caller writes a descriptor, even once it is ready. */
export const SEQ = 0;
/** Workers currently inside a job (joined and not yet left). */
export const ACTIVE = 1;
/** Generation of the shared scratch buffers the descriptor refers to. */
export const EPOCH = 2;
/** Workers with an index below this may join the current job. */
const WORKERS = 3;
/** The job's own counters (unit-counters.ts): [next unit, units done, units failed]. */
const JOB = 4;
const DTYPE = 7;
const BATCH = 8;
const M = 9;
const K = 10;
const N = 11;
const ARS = 12;
const ACS = 13;
const BRS = 14;
const BCS = 15;
const DIRECT = 16;
const HAS_BIAS = 17;
const BIAS_OFFSET = 18;
const BIAS_STRIDE = 19;
const SAME_AB = 20;
const UNIT_ROWS = 21;
const UNIT_COLS = 22;
/** What the published job is: a matmul described here, or a job described by a message (JOB_KINDS). */
const KIND = 23;
const WASM = 24;
const CONTROL_INTS = 25;

/** Job kinds: 0 = a matmul (descriptor in this block), 1 = a unit job whose descriptor came by message. */
export const MATMUL_JOB = 0;
export const MESSAGE_JOB = 1;

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** A fresh control block (SEQ 0: no job yet). */
export function newPoolControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
}

/** One shared scratch array per dtype. */
export interface ScratchSlot {
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;
}

/**
 * The shared scratch buffers of one epoch: the matmul's operands, output, bias, and batch offsets (a's,
 * then b's), and numbered extra slots for other unit jobs (attention's inputs and outputs).
 */
export interface PoolBuffers {
  readonly epoch: number;
  readonly a: ScratchSlot;
  readonly b: ScratchSlot;
  readonly out: ScratchSlot;
  readonly bias: ScratchSlot;
  readonly offsets: Int32Array;
  readonly extra: readonly ScratchSlot[];
}

/** The slot's array of the given dtype. */
export function slotArray(slot: ScratchSlot, dtype: DType): TypedArray {
  return dtype === 'float32' ? slot.f32 : dtype === 'float64' ? slot.f64 : slot.i32;
}

/**
 * Writes the descriptor of `plan` (whose arrays are already the scratch arrays of `bufs`, offsets
 * included) and resets the job counters; call only while SEQ is odd and ACTIVE is 0.
 */
export function writeJob(
  control: Int32Array,
  plan: MatmulPlan,
  dtype: DType,
  workers: number,
  epoch: number,
): void {
  writeHeader(control, MATMUL_JOB, workers, epoch);
  control[DTYPE] = DTYPES.indexOf(dtype);
  control[BATCH] = plan.aOffsets.length;
  control[M] = plan.M;
  control[K] = plan.K;
  control[N] = plan.N;
  control[ARS] = plan.ars;
  control[ACS] = plan.acs;
  control[BRS] = plan.brs;
  control[BCS] = plan.bcs;
  control[DIRECT] = plan.direct ? 1 : 0;
  control[WASM] = plan.wasm ? 1 : 0;
  control[HAS_BIAS] = plan.bias === null ? 0 : 1;
  control[BIAS_OFFSET] = plan.biasOffset;
  control[BIAS_STRIDE] = plan.biasStride;
  control[SAME_AB] = plan.b === plan.a ? 1 : 0;
  control[UNIT_ROWS] = plan.unitRows;
  control[UNIT_COLS] = plan.unitCols;
}

/** Marks the job being written as a message-described unit job; call only while SEQ is odd and ACTIVE is 0. */
export function writeMessageJob(control: Int32Array, workers: number, epoch: number): void {
  writeHeader(control, MESSAGE_JOB, workers, epoch);
}

/** What every job starts with: its kind, who may join, the buffers' epoch, and zeroed unit counters. */
function writeHeader(control: Int32Array, kind: number, workers: number, epoch: number): void {
  control[KIND] = kind;
  control[EPOCH] = epoch;
  control[WORKERS] = workers;
  control[JOB] = 0;
  control[JOB + 1] = 0;
  control[JOB + 2] = 0;
}

/** The kind of the job now described (read after joining). */
export function jobKind(control: Int32Array): number {
  return control[KIND];
}

/** The job counters of the control block, as a MatmulJob's control (a view, shared by every thread). */
export function jobCounters(control: Int32Array): Int32Array {
  return control.subarray(JOB, JOB + 3);
}

/** Whether worker `index` may join the job now described (read after joining). */
export function mayJoin(control: Int32Array, index: number): boolean {
  return index < control[WORKERS];
}

/** The job described in the control block, rebuilt over `bufs` (read after joining). */
export function readJob(control: Int32Array, bufs: PoolBuffers): MatmulJob {
  const dtype = DTYPES[control[DTYPE]];
  if (dtype === undefined) throw new RangeError(`matmul worker: bad dtype code ${control[DTYPE]}`);
  const batch = control[BATCH];
  const a = slotArray(bufs.a, dtype);
  const plan: MatmulPlan = {
    a,
    b: control[SAME_AB] === 1 ? a : slotArray(bufs.b, dtype),
    aOffsets: bufs.offsets.subarray(0, batch),
    bOffsets: bufs.offsets.subarray(batch, 2 * batch),
    ars: control[ARS],
    acs: control[ACS],
    brs: control[BRS],
    bcs: control[BCS],
    M: control[M],
    K: control[K],
    N: control[N],
    direct: control[DIRECT] === 1,
    wasm: control[WASM] === 1,
    bias: control[HAS_BIAS] === 1 ? slotArray(bufs.bias, dtype) : null,
    biasOffset: control[BIAS_OFFSET],
    biasStride: control[BIAS_STRIDE],
    unitRows: control[UNIT_ROWS],
    unitCols: control[UNIT_COLS],
  };
  const size = batch * plan.M * plan.N;
  return { plan, out: slotArray(bufs.out, dtype).subarray(0, size), control: jobCounters(control) };
}
