/**
 * Recycled host storage. A fresh typed array costs page faults on first write (here about 1 ms per 3 MiB,
 * more than the kernel that fills it); a reused one costs a zero-fill. Typed arrays whose owner has proven
 * that nothing references them any more (autograd's backward does, for the gradient temporaries it creates
 * and consumes: see autograd/src/backward.ts) wait here by dtype and length, and `allocate` hands them out
 * again. Like PyTorch's caching allocator, the pool keeps memory it may reuse, up to a limit.
 * Arrays on SharedArrayBuffers (the storage the worker pool reads in place: dtype.ts) wait in lists of
 * their own, so a caller that needs shared storage gets shared storage back.
 */
import { type DType, dtypeOf, type TypedArray } from './typed-array';

/** Arrays shorter than this are cheap to allocate and are not pooled. */
const MIN_POOLED_LENGTH = 4096;
const DEFAULT_LIMIT_BYTES = 256 * 1024 * 1024;

let limitBytes = DEFAULT_LIMIT_BYTES;
let pooledBytes = 0;
type FreeLists = Record<DType, Map<number, TypedArray[]>>;
const freeLists = (): FreeLists => ({ float32: new Map(), float64: new Map(), int32: new Map() });
/** Waiting arrays on ordinary ArrayBuffers, and on SharedArrayBuffers. */
const free = { plain: freeLists(), shared: freeLists() };

/** Allocations made while a log is open are recorded in it (the innermost open log only). */
const openLogs: WeakSet<TypedArray>[] = [];

/** Starts recording which arrays `allocate` creates; pair with closeAllocationLog. */
export function openAllocationLog(): WeakSet<TypedArray> {
  const log = new WeakSet<TypedArray>();
  openLogs.push(log);
  return log;
}

/** Stops recording into `log` (must be the innermost open log). */
export function closeAllocationLog(log: WeakSet<TypedArray>): void {
  if (openLogs[openLogs.length - 1] !== log) {
    throw new Error('closeAllocationLog: logs must be closed innermost first');
  }
  openLogs.pop();
}

/** Records a fresh or reused allocation in the innermost open log (arrays too small to pool are not). */
export function logAllocation(data: TypedArray): void {
  if (openLogs.length > 0 && data.length >= MIN_POOLED_LENGTH) openLogs[openLogs.length - 1].add(data);
}

/**
 * A pooled array of exactly n elements (on a SharedArrayBuffer when `shared`), zero-filled unless `zero`
 * is false (it then holds what it held), or null when none waits.
 */
export function takePooled(dtype: DType, n: number, shared = false, zero = true): TypedArray | null {
  if (n < MIN_POOLED_LENGTH) return null;
  const list = free[shared ? 'shared' : 'plain'][dtype].get(n);
  const data = list?.pop();
  if (data === undefined) return null;
  pooledBytes -= data.byteLength;
  return zero ? data.fill(0) : data;
}

/**
 * Gives `data` back for reuse. The caller guarantees that no NDArray or other reference will read or write
 * it again. Subarrays of a larger buffer and small arrays are left to the GC, and so is anything past the
 * pool's limit. Returns whether the array was pooled.
 */
export function recycleStorage(data: TypedArray): boolean {
  const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  if (!owned || data.length < MIN_POOLED_LENGTH || pooledBytes + data.byteLength > limitBytes) return false;
  const lists = free[isSharedStorage(data) ? 'shared' : 'plain'][dtypeOf(data)];
  const list = lists.get(data.length);
  if (list) list.push(data);
  else lists.set(data.length, [data]);
  pooledBytes += data.byteLength;
  return true;
}

/** Bytes currently waiting in the pool, and its limit. */
export function storagePoolStats(): { pooledBytes: number; limitBytes: number } {
  return { pooledBytes, limitBytes };
}

/** Sets the pool's limit in bytes (0 turns pooling off) and empties it (like torch.cuda.empty_cache). */
export function setStoragePoolLimit(bytes: number): void {
  if (!(bytes >= 0)) throw new RangeError(`setStoragePoolLimit: limit must be >= 0 bytes, got ${bytes}`);
  limitBytes = bytes;
  clearStoragePool();
}

/** Drops every pooled array (the GC reclaims them). */
export function clearStoragePool(): void {
  for (const lists of [free.plain, free.shared]) for (const map of Object.values(lists)) map.clear();
  pooledBytes = 0;
}

/** Whether `data` lives on a SharedArrayBuffer (which worker threads can read and write in place). */
export function isSharedStorage(data: TypedArray): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer;
}
