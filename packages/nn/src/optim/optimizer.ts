/**
 * Optimizer base: parameter groups (each with its own hyper-parameters, as in torch.optim), per-parameter
 * state, and a state dict that round-trips exactly (step counts, moment buffers, group hyper-parameters).
 * Subclasses write one update rule as a tight loop over the parameter's dense typed array.
 */
import type { Tensor } from '@gqa-lab/autograd';
import { formatShape } from '@gqa-lab/tensor';
import type { Parameter } from '../parameter';

export type FloatArray = Float32Array | Float64Array;

/** Per-parameter optimizer state: counters and buffers the size of the parameter. */
export type ParamState = Record<string, number | FloatArray>;

/** A group's hyper-parameters: JSON-serialisable numbers, flags and small tuples. */
export type GroupHyper = Record<string, number | boolean | readonly number[]>;

/** A group as given to a constructor: its parameters plus any hyper-parameters that differ from the defaults. */
export type ParamGroupSpec<H extends GroupHyper> = GroupExtras & { params: Iterable<Parameter> } & Partial<H>;

/** Hyper-parameters every optimizer understands. */
export type GroupExtras = {
  /** setLr(lr) gives this group lr * lrScale (timm's layer-wise lr decay uses it). */
  lrScale?: number;
};

/** A group as held by an optimizer: every hyper-parameter resolved. */
export type ParamGroup<H extends GroupHyper> = H & GroupExtras & { params: Parameter[] };

/** torch.optim's layout: state keyed by the parameter's index across all groups, groups by index lists. */
export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  paramGroups: (GroupHyper & { params: number[] })[];
}

function isGroupSpecList<H extends GroupHyper>(
  params: Iterable<Parameter> | readonly ParamGroupSpec<H>[],
): params is readonly ParamGroupSpec<H>[] {
  return Array.isArray(params) && params.length > 0 && 'params' in params[0];
}

export abstract class Optimizer<H extends GroupHyper & { lr: number }, S extends ParamState> {
  readonly paramGroups: ParamGroup<H>[] = [];
  protected readonly state = new Map<Parameter, S>();
  protected readonly defaults: H;
  /** Names the optimizer in error messages. */
  protected readonly label: string;

  constructor(name: string, params: Iterable<Parameter> | readonly ParamGroupSpec<H>[], defaults: H) {
    this.label = name;
    this.defaults = defaults;
    const specs: readonly ParamGroupSpec<H>[] = isGroupSpecList(params)
      ? params
      : [{ params } as ParamGroupSpec<H>];
    for (const spec of specs) this.addParamGroup(spec);
    if (this.paramGroups.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
  }

  /** Adds a group; hyper-parameters it leaves out come from the defaults. A parameter may be in one group only. */
  addParamGroup(spec: ParamGroupSpec<H>): void {
    const params = [...spec.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (seen.has(p))
        throw new RangeError(
          `${this.label}: a parameter ${formatShape(p.shape)} appears in more than one group`,
        );
      if (p.dtype === 'int32')
        throw new TypeError(`${this.label}: cannot optimise an int32 parameter ${formatShape(p.shape)}`);
      seen.add(p);
    }
    const group = { ...this.defaults, ...spec, params } as ParamGroup<H>;
    this.validateGroup(group);
    this.paramGroups.push(group);
  }

  /** Throws a RangeError naming the optimizer and the bad hyper-parameter. */
  protected abstract validateGroup(group: H): void;

  /** Applies one update to `param` (its dense storage) from `grad` (dense), creating state on first use. */
  protected abstract updateParam(param: FloatArray, grad: FloatArray, group: H, state: S | undefined): S;

  /** S's counter and buffer fields (all required unless listed optional), for checking a loaded state dict. */
  protected abstract readonly stateFields: {
    numbers: readonly string[];
    arrays: readonly string[];
    optional?: readonly string[];
  };

  /** One optimisation step over every parameter that has a gradient. */
  step(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (!p.data.isDense) p.data = p.data.clone();
        const param = p.data.data;
        if (param instanceof Int32Array) throw new TypeError(`${this.label}: int32 parameter`);
        const grad = denseGrad(this.label, p, p.grad);
        this.state.set(p, this.updateParam(param, grad, group, this.state.get(p)));
      }
    }
  }

  /** Clears the gradients of every parameter this optimizer holds. */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** Sets every group's lr to `lr` times the group's `lrScale` (1 when absent), e.g. from a schedule. */
  setLr(lr: number): void {
    for (const g of this.paramGroups) {
      Object.assign(g, { lr: lr * (g.lrScale ?? 1) });
    }
  }

  /** Snapshot of state and groups; buffers are copied, so later steps do not change it. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Parameter, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      const ids = params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      return { ...copyHyper(hyper), params: ids };
    });
    const state = new Map<number, ParamState>();
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) copy[k] = typeof v === 'number' ? v : v.slice();
      state.set(i, copy);
    }
    return { state, paramGroups };
  }

  /** Restores a stateDict() snapshot: group sizes must match; buffers must match their parameters. */
  loadStateDict(sd: OptimizerStateDict): void {
    const where = `${this.label}.loadStateDict`;
    if (sd.paramGroups.length !== this.paramGroups.length)
      throw new RangeError(
        `${where}: ${sd.paramGroups.length} saved groups, but the optimizer has ${this.paramGroups.length}`,
      );
    const byIndex: Parameter[] = [];
    sd.paramGroups.forEach((saved, gi) => {
      const group = this.paramGroups[gi];
      if (saved.params.length !== group.params.length)
        throw new RangeError(
          `${where}: group ${gi} saved ${saved.params.length} params, but holds ${group.params.length}`,
        );
      saved.params.forEach((id, k) => {
        byIndex[id] = group.params[k];
      });
    });
    const loaded = new Map<Parameter, S>();
    for (const [id, raw] of sd.state) {
      const p = byIndex[id];
      if (!p) throw new RangeError(`${where}: state for parameter ${id}, which no group lists`);
      loaded.set(p, this.checkState(where, id, p, raw));
    }
    sd.paramGroups.forEach((saved, gi) => {
      const { params: _ids, ...hyper } = saved;
      const group = { ...this.paramGroups[gi], ...copyHyper(hyper) };
      this.validateGroup(group);
      this.paramGroups[gi] = group;
    });
    this.state.clear();
    for (const [p, s] of loaded) this.state.set(p, s);
  }

  private checkState(where: string, id: number, p: Parameter, raw: ParamState): S {
    const out: Record<string, number | FloatArray> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (this.stateFields.numbers.includes(k)) {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new RangeError(`${where}: state ${id}.${k} must be a finite number, got ${String(v)}`);
        out[k] = v;
      } else if (this.stateFields.arrays.includes(k)) {
        if (typeof v === 'number' || v.length !== p.size)
          throw new RangeError(
            `${where}: state ${id}.${k} must hold ${p.size} values for parameter ${formatShape(p.shape)}`,
          );
        out[k] = p.dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v);
      } else {
        throw new RangeError(`${where}: unexpected state field ${id}.${k}`);
      }
    }
    for (const k of [...this.stateFields.numbers, ...this.stateFields.arrays]) {
      if (!(k in out) && !this.stateFields.optional?.includes(k))
        throw new RangeError(`${where}: state ${id} lacks field ${k}`);
    }
    return out as S;
  }
}

function copyHyper(h: GroupHyper): GroupHyper {
  const out: GroupHyper = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}

/** The gradient's values as a dense array of the parameter's float type. */
function denseGrad(name: string, p: Parameter, grad: Tensor): FloatArray {
  if (grad.size !== p.size)
    throw new RangeError(
      `${name}: gradient ${formatShape(grad.shape)} does not match parameter ${formatShape(p.shape)}`,
    );
  const g = grad.data.values();
  if (p.dtype === 'float64') return g instanceof Float64Array ? g : Float64Array.from(g);
  return g instanceof Float32Array ? g : Float32Array.from(g);
}
