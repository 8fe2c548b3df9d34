/**
 * Device residency: GPU kernel outputs stay on the device as NDArrays over a DeviceStorage, the next GPU op
 * reads them there, and the host reads them back only when it touches `.data`. Release is deterministic:
 * a download deletes the device copy (the host copy is then the only one, so in-place host writes can never
 * leave a stale device copy), and `tidy(fn)` deletes every device result made inside `fn` that was not read
 * back, returned or `keep()`-ed. A FinalizationRegistry also releases arrays that are garbage collected
 * outside any scope, so code that never calls tidy cannot grow device memory without bound.
 */
import { type DeviceSource, NDArray } from '../ndarray';
import type { Program, ProgramInput, ProgramResult } from './program';

/** The device operations residency needs (the webgpu worker or an in-thread GL runner). */
export interface ResidentDevice {
  run(program: Program): ProgramResult;
  download(handle: number): Float32Array;
  release(handles: readonly number[]): void;
}

/** One kept device result: downloaded at most once, then the host array is the storage. */
export class DeviceStorage implements DeviceSource {
  readonly dtype = 'float32';
  private host: Float32Array | null = null;
  private released = false;

  constructor(
    readonly owner: Residency,
    readonly handle: number,
    readonly length: number,
  ) {}

  /** On the device and not released: a GPU op may read it by handle. */
  get alive(): boolean {
    return this.host === null && !this.released;
  }

  download(): Float32Array {
    if (this.host) return this.host;
    if (this.released) {
      throw new Error(
        `gpujs: a device result of ${this.length} elements was released (by tidy() or dispose()) before its values were read; keep() it or read .data inside the scope`,
      );
    }
    this.host = this.owner.download(this);
    return this.host;
  }

  /** Marks it released (the caller deletes a batch on the device); false when it was not alive. */
  markReleased(): boolean {
    if (!this.alive) return false;
    this.released = true;
    return true;
  }
}

/** Scopes, handles and the collected-array backstop of one backend. */
export class Residency {
  private readonly scopes: Set<DeviceStorage>[] = [];
  private pending: number[] = [];
  private closed = false;
  private readonly collected = new FinalizationRegistry<number>((handle) => {
    if (!this.closed) this.pending.push(handle);
  });

  constructor(private readonly device: ResidentDevice) {}

  /** Runs a program whose results stay on the device; one storage per returned step. */
  run(program: Program, lengths: readonly number[]): DeviceStorage[] {
    this.flushCollected();
    const { handles } = this.device.run(program);
    return handles.map((h, i) => {
      const s = new DeviceStorage(this, h, lengths[i]);
      this.collected.register(s, h, s);
      this.scopes.at(-1)?.add(s);
      return s;
    });
  }

  /** The input to give a kernel for x: its device handle when x is a dense view of a live result here. */
  input(x: NDArray): ProgramInput {
    const src = x.deviceSource;
    if (src instanceof DeviceStorage && src.owner === this && src.alive && x.isDense)
      return { device: src.handle, length: src.length };
    return f32(x);
  }

  /** Reads one result back; the device deletes its copy. */
  download(s: DeviceStorage): Float32Array {
    if (this.closed) throw new Error('gpujs: read of a device result after dispose()');
    this.collected.unregister(s);
    this.scopes.at(-1)?.delete(s);
    return this.device.download(s.handle);
  }

  /** Deletes these (already marked released) results on the device in one call. */
  release(storages: readonly DeviceStorage[]): void {
    for (const s of storages) this.collected.unregister(s);
    if (!this.closed) this.device.release(storages.map((s) => s.handle));
  }

  private flushCollected(): void {
    if (this.pending.length === 0) return;
    const handles = this.pending;
    this.pending = [];
    this.device.release(handles);
  }

  /** Runs fn; afterwards deletes each device result made inside it that was not read back, returned or kept. */
  tidy<T>(fn: () => T): T {
    const scope = new Set<DeviceStorage>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
      for (const x of returnedArrays(result)) this.keep(x);
    } finally {
      this.scopes.pop();
      const dying = [...scope].filter((s) => s.markReleased());
      if (dying.length > 0) this.release(dying);
      this.flushCollected();
    }
    return result;
  }

  /** Moves x's device result out of the innermost tidy scope (to the enclosing one, if any). */
  keep(x: NDArray): NDArray {
    const src = x.deviceSource;
    if (!(src instanceof DeviceStorage) || src.owner !== this) return x;
    const n = this.scopes.length;
    if (n > 0 && this.scopes[n - 1].delete(src)) this.scopes[n - 2]?.add(src);
    return x;
  }

  /** Marks every storage closed: later reads throw instead of reaching a destroyed device. */
  close(): void {
    this.closed = true;
    this.pending = [];
  }
}

/** NDArrays in a tidy result: the value itself, or the direct members of a returned array or plain object. */
function returnedArrays(value: unknown): NDArray[] {
  if (value instanceof NDArray) return [value];
  if (Array.isArray(value)) return value.filter((v) => v instanceof NDArray);
  if (value instanceof Object) return Object.values(value).filter((v) => v instanceof NDArray);
  return [];
}

/** The elements of a float32 array as a dense Float32Array (copies only when the layout requires it). */
export function f32(x: NDArray): Float32Array {
  const v = x.values();
  if (!(v instanceof Float32Array)) throw new TypeError(`gpujs: expected float32, got ${x.dtype}`);
  return v;
}
