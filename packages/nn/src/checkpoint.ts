/**
 * Training checkpoints: model, optimizer state, schedule position, RNG state, step and epoch in ONE
 * safetensors file, written atomically (temp file, fsync, rename, fsync folder). Arrays are tensors
 * (`model.<name>`, `optim.<id>.<field>`); scalars and structure are JSON in `__metadata__`.
 */
import type { RngState } from '@gqa-lab/tensor';
import { type CheckpointMeta, CheckpointMetaSchema } from './checkpoint-schema';
import type { AtomicFs } from './io/atomic-write';
import { fromNDArray, toNDArray } from './io/convert';
import type { SafeTensor } from './io/dtypes';
import { FileFormatError, parseJsonText, parseWithSchema } from './io/file-format-error';
import type { JsonValue } from './io/json-value';
import type { ReadLimits } from './io/read-limits';
import { loadSafetensorsFile, saveSafetensorsFile } from './io/safetensors-file';
import type { LoadReport, Module, StateDict } from './module';
import type { FloatArray, OptimizerStateDict, ParamState } from './optim/optimizer';

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
  /** Size limits for the file (see read-limits.ts). */
  limits?: Partial<ReadLimits>;
}

const FORMAT_NAME = 'gqa-lab checkpoint';

/** Restores a saveCheckpoint file into the given (fresh or live) objects and returns the counters. */
export async function loadCheckpoint(path: string, into: LoadCheckpointTargets): Promise<LoadedCheckpoint> {
  const file = await loadSafetensorsFile(path, { limits: into.limits });
  if (file.metadata[FORMAT_KEY] !== FORMAT)
    throw new FileFormatError(
      path,
      FORMAT_NAME,
      FORMAT_KEY,
      `not a gqa-lab checkpoint (metadata ${FORMAT_KEY} is ${JSON.stringify(file.metadata[FORMAT_KEY] ?? null)}, expected ${FORMAT})`,
    );
  const metaText = file.metadata[META_KEY];
  if (metaText === undefined) throw new FileFormatError(path, FORMAT_NAME, META_KEY, 'metadata is missing');
  const meta = parseWithSchema(
    CheckpointMetaSchema,
    parseJsonText(metaText, path, FORMAT_NAME),
    path,
    FORMAT_NAME,
  );
  const model: StateDict = new Map();
  for (const [name, t] of file.tensors) if (name.startsWith('model.')) model.set(name.slice(6), toNDArray(t));
  let report: LoadReport;
  try {
    report = into.model.loadStateDict(model, { strict: into.strict ?? true });
  } catch (e) {
    throw new FileFormatError(path, FORMAT_NAME, 'model', e instanceof Error ? e.message : String(e), {
      cause: e,
    });
  }
  if (into.optimizer) {
    if (!meta.optimizer)
      throw new FileFormatError(path, FORMAT_NAME, 'optimizer', 'the file holds no optimizer state');
    const state = new Map<number, ParamState>();
    for (const [id, { numbers, arrays }] of meta.optimizer.state) {
      const s: ParamState = { ...numbers };
      for (const field of arrays) {
        const t = file.tensors.get(`optim.${id}.${field}`);
        if (!t) throw new FileFormatError(path, FORMAT_NAME, `optim.${id}.${field}`, 'tensor is missing');
        const arr = t.dtype === 'F32' || t.dtype === 'F64' ? toNDArray(t).data : null;
        if (!(arr instanceof Float32Array || arr instanceof Float64Array))
          throw new FileFormatError(
            path,
            FORMAT_NAME,
            `optim.${id}.${field}`,
            `is ${t.dtype}, expected F32 or F64`,
          );
        s[field] = arr;
      }
      state.set(id, s);
    }
    try {
      into.optimizer.loadStateDict({ state, paramGroups: meta.optimizer.paramGroups });
    } catch (e) {
      throw new FileFormatError(path, FORMAT_NAME, 'optimizer', e instanceof Error ? e.message : String(e), {
        cause: e,
      });
    }
  }
  if (into.rng) {
    if (!meta.rng) throw new FileFormatError(path, FORMAT_NAME, 'rng', 'the file holds no RNG state');
    into.rng.setState(meta.rng);
  }
  return { step: meta.step, epoch: meta.epoch, scheduleStep: meta.scheduleStep, extra: meta.extra, report };
}

function floatTensor(v: FloatArray): SafeTensor {
  return v instanceof Float64Array
    ? { dtype: 'F64', shape: [v.length], data: v.slice() }
    : { dtype: 'F32', shape: [v.length], data: v.slice() };
}
