/**
 * Training checkpoints: model, optimizer state, schedule position, RNG state, step and epoch in ONE
 * safetensors file, written atomically (temp file, fsync, rename, fsync folder). Arrays are tensors
 * (`model.<name>`, `optim.<id>.<field>`); scalars and structure are JSON in `__metadata__`.
 */
import type { RngState } from '@gqa-lab/tensor';
import type { AtomicFs } from './io/atomic-write';
import { fromNDArray, toNDArray } from './io/convert';
import type { SafeTensor } from './io/dtypes';
import { loadSafetensorsFile, saveSafetensorsFile } from './io/safetensors-file';
import type { LoadReport, Module, StateDict } from './module';
import type { FloatArray, GroupHyper, OptimizerStateDict, ParamState } from './optim/optimizer';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Anything with torch-style optimizer state (SGD, Adam, AdamW). */
export interface OptimizerLike {
  stateDict(): OptimizerStateDict;
  loadStateDict(sd: OptimizerStateDict): void;
}

/** Anything whose state can be read and restored (Rng from @gqa-lab/tensor). */
export interface RngLike {
  getState(): RngState;
  setState(state: RngState): void;
}

export interface CheckpointContents {
  model: Module;
  optimizer?: OptimizerLike;
  /** The step the lr schedule is at (schedules are pure functions of it). */
  scheduleStep?: number;
  rng?: RngLike;
  step?: number;
  epoch?: number;
  /** Any JSON data the caller wants back (config, metrics, best score). */
  extra?: JsonValue;
}

export interface LoadedCheckpoint {
  step: number;
  epoch: number;
  scheduleStep: number;
  extra: JsonValue;
  /** What the model's loadStateDict found (empty lists when everything matched). */
  report: LoadReport;
}

const FORMAT_KEY = 'gqa-lab.format';
const FORMAT = 'checkpoint/1';
const META_KEY = 'gqa-lab.checkpoint';

interface CheckpointMeta {
  step: number;
  epoch: number;
  scheduleStep: number;
  rng: RngState | null;
  extra: JsonValue;
  optimizer: {
    paramGroups: (GroupHyper & { params: number[] })[];
    /** Per state id: its counters, and the names of its buffer tensors. */
    state: [number, { numbers: Record<string, number>; arrays: string[] }][];
  } | null;
}

/** Saves everything needed to resume training to `path`, replacing any old file atomically. */
export async function saveCheckpoint(
  path: string,
  c: CheckpointContents,
  opts: { fs?: AtomicFs } = {},
): Promise<void> {
  const tensors = new Map<string, SafeTensor>();
  for (const [key, arr] of c.model.stateDict()) tensors.set(`model.${key}`, fromNDArray(arr));
  let optimizer: CheckpointMeta['optimizer'] = null;
  if (c.optimizer) {
    const sd = c.optimizer.stateDict();
    const state: NonNullable<CheckpointMeta['optimizer']>['state'] = [];
    for (const [id, s] of sd.state) {
      const numbers: Record<string, number> = {};
      const arrays: string[] = [];
      for (const [field, v] of Object.entries(s)) {
        if (typeof v === 'number') numbers[field] = v;
        else {
          arrays.push(field);
          tensors.set(`optim.${id}.${field}`, floatTensor(v));
        }
      }
      state.push([id, { numbers, arrays }]);
    }
    optimizer = { paramGroups: sd.paramGroups, state };
  }
  const meta: CheckpointMeta = {
    step: c.step ?? 0,
    epoch: c.epoch ?? 0,
    scheduleStep: c.scheduleStep ?? c.step ?? 0,
    rng: c.rng ? c.rng.getState() : null,
    extra: c.extra ?? null,
    optimizer,
  };
  await saveSafetensorsFile(
    path,
    tensors,
    { [FORMAT_KEY]: FORMAT, [META_KEY]: JSON.stringify(meta) },
    { fs: opts.fs },
  );
}

export interface LoadCheckpointTargets {
  model: Module;
  optimizer?: OptimizerLike;
  rng?: RngLike;
  /** Throw when model keys are missing, unexpected or mis-shaped (default true). */
  strict?: boolean;
}

/** Restores a saveCheckpoint file into the given (fresh or live) objects and returns the counters. */
export async function loadCheckpoint(path: string, into: LoadCheckpointTargets): Promise<LoadedCheckpoint> {
  const file = await loadSafetensorsFile(path);
  if (file.metadata[FORMAT_KEY] !== FORMAT)
    throw new Error(
      `loadCheckpoint ${path}: not a gqa-lab checkpoint (metadata ${FORMAT_KEY} is ${String(file.metadata[FORMAT_KEY])})`,
    );
  const meta = parseMeta(path, file.metadata[META_KEY]);
  const model: StateDict = new Map();
  for (const [name, t] of file.tensors) if (name.startsWith('model.')) model.set(name.slice(6), toNDArray(t));
  let report: LoadReport;
  try {
    report = into.model.loadStateDict(model, { strict: into.strict ?? true });
  } catch (e) {
    throw new Error(`loadCheckpoint ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (into.optimizer) {
    if (!meta.optimizer) throw new Error(`loadCheckpoint ${path}: the file holds no optimizer state`);
    const state = new Map<number, ParamState>();
    for (const [id, { numbers, arrays }] of meta.optimizer.state) {
      const s: ParamState = { ...numbers };
      for (const field of arrays) {
        const t = file.tensors.get(`optim.${id}.${field}`);
        if (!t) throw new Error(`loadCheckpoint ${path}: tensor optim.${id}.${field} is missing`);
        const arr = toNDArray(t).data;
        if (arr instanceof Int32Array)
          throw new Error(`loadCheckpoint ${path}: optim.${id}.${field} is not a float tensor`);
        s[field] = arr;
      }
      state.set(id, s);
    }
    into.optimizer.loadStateDict({ state, paramGroups: meta.optimizer.paramGroups });
  }
  if (into.rng) {
    if (!meta.rng) throw new Error(`loadCheckpoint ${path}: the file holds no RNG state`);
    into.rng.setState(meta.rng);
  }
  return { step: meta.step, epoch: meta.epoch, scheduleStep: meta.scheduleStep, extra: meta.extra, report };
}

function floatTensor(v: FloatArray): SafeTensor {
  return v instanceof Float64Array
    ? { dtype: 'F64', shape: [v.length], data: v.slice() }
    : { dtype: 'F32', shape: [v.length], data: v.slice() };
}

function parseMeta(path: string, text: string | undefined): CheckpointMeta {
  if (text === undefined) throw new Error(`loadCheckpoint ${path}: metadata ${META_KEY} is missing`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`loadCheckpoint ${path}: metadata ${META_KEY} is not JSON`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`loadCheckpoint ${path}: metadata ${META_KEY} is not an object`);
  for (const key of ['step', 'epoch', 'scheduleStep'] as const) {
    const v: unknown = Reflect.get(raw, key);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new Error(`loadCheckpoint ${path}: ${key} must be a non-negative integer, got ${String(v)}`);
  }
  // Shape checked above for the counters; optimizer and RNG parts are validated by their loaders.
  return raw as CheckpointMeta;
}
