/**
 * Module: the base of every layer. Parameters, buffers and child modules are found by walking the
 * instance's own fields (PyTorch's __setattr__ registration without the magic), so names follow the
 * field names and match PyTorch / timm state dicts: `blocks.0.attn.qkv.weight`.
 * Fields starting with `_` are private and never walked.
 */
import { formatShape, type NDArray, shapesEqual } from '@gqa-lab/tensor';
import { Buffer, Parameter } from './parameter';

export type StateDict = Map<string, NDArray>;

/** What loadStateDict found: keys it expected but did not get, keys it got but did not expect, shape mismatches. */
export interface LoadReport {
  missing: string[];
  unexpected: string[];
  mismatched: { key: string; expected: readonly number[]; got: readonly number[] }[];
}

export interface LoadOptions {
  /** Throw when anything is missing, unexpected or mis-shaped (default true). */
  strict?: boolean;
}

export abstract class Module {
  /**
   * The class name summary() prints, e.g. 'Linear'. Each class states it as a literal because a minifier
   * renames classes (constructor.name would print 'e' in a production bundle); a subclass without one
   * prints its constructor's name.
   */
  static readonly typeName: string = 'Module';

  /** This module's class name as summary() prints it: its class's own typeName, else constructor.name. */
  get typeName(): string {
    const own: unknown = Object.getOwnPropertyDescriptor(this.constructor, 'typeName')?.value;
    return typeof own === 'string' ? own : this.constructor.name;
  }

  /** Training mode (dropout active, etc.); switch with train() / eval(). */
  training = true;

  /** Direct children in field order: plain Module fields and the items of ModuleList fields. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (key.startsWith('_')) continue;
      if (value instanceof Module) out.push([key, value]);
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  /** Parameters of this module only (not its children). */
  protected ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (!key.startsWith('_') && value instanceof Parameter) out.push([key, value]);
    }
    return out;
  }

  /** Buffers of this module only (not its children). */
  protected ownBuffers(): [string, Buffer][] {
    const out: [string, Buffer][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (!key.startsWith('_') && value instanceof Buffer) out.push([key, value]);
    }
    return out;
  }

  /** Every parameter with its dotted name; a parameter shared by two modules is listed once. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [modName, mod] of this.namedModules(prefix)) {
      for (const [name, p] of mod.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([join(modName, name), p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(prefix = ''): [string, Buffer][] {
    const out: [string, Buffer][] = [];
    for (const [modName, mod] of this.namedModules(prefix)) {
      for (const [name, b] of mod.ownBuffers()) out.push([join(modName, name), b]);
    }
    return out;
  }

  /** Sets training mode on this module and all descendants. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every module, children first (torch.nn.Module.apply). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Freezes (false) or unfreezes (true) every parameter. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Number of parameter elements (all, or only those that require gradients). */
  numParameters(trainableOnly = false): number {
    let n = 0;
    for (const p of this.parameters()) if (!trainableOnly || p.requiresGrad) n += p.size;
    return n;
  }

  /** Parameters and persistent buffers by dotted name. Arrays are shared, not copied. */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = new Map();
    this.saveToStateDict(prefix, out);
    return out;
  }

  /**
   * Writes this module's own entries (not its children's) under `prefix`, then recurses. Override to
   * store a different layout (e.g. a fused qkv weight); loadFromStateDict must mirror it.
   */
  protected saveToStateDict(prefix: string, out: StateDict): void {
    for (const [name, p] of this.ownParameters()) out.set(join(prefix, name), p.data);
    for (const [name, b] of this.ownBuffers()) if (b.persistent) out.set(join(prefix, name), b.data);
    for (const [name, child] of this.namedChildren()) child.saveToStateDict(join(prefix, name), out);
  }

  /** Copies matching entries in; reports (and with strict, throws on) missing, unexpected and mis-shaped keys. */
  loadStateDict(sd: StateDict, opts: LoadOptions = {}): LoadReport {
    const report: LoadReport = { missing: [], unexpected: [], mismatched: [] };
    const used = new Set<string>();
    this.loadFromStateDict('', sd, report, used);
    for (const key of sd.keys()) if (!used.has(key)) report.unexpected.push(key);
    if (
      (opts.strict ?? true) &&
      (report.missing.length || report.unexpected.length || report.mismatched.length)
    ) {
      throw new Error(`loadStateDict: ${describeReport(report)}`);
    }
    return report;
  }

  /** Reads this module's own entries under `prefix`, marking the keys it used, then recurses. */
  protected loadFromStateDict(prefix: string, sd: StateDict, report: LoadReport, used: Set<string>): void {
    const entries: [string, Parameter | Buffer][] = [
      ...this.ownParameters(),
      ...this.ownBuffers().filter(([, b]) => b.persistent),
    ];
    for (const [name, t] of entries) copyEntry(join(prefix, name), t, sd, report, used);
    for (const [name, child] of this.namedChildren())
      child.loadFromStateDict(join(prefix, name), sd, report, used);
  }
}

/** Copies sd[key] into t's storage (converting dtype) or records why it could not. */
export function copyEntry(
  key: string,
  t: Parameter | Buffer,
  sd: StateDict,
  report: LoadReport,
  used: Set<string>,
): void {
  const src = sd.get(key);
  if (!src) {
    report.missing.push(key);
    return;
  }
  used.add(key);
  if (!shapesEqual(src.shape, t.shape)) {
    report.mismatched.push({ key, expected: t.shape, got: src.shape });
    return;
  }
  t.data = (src.dtype === t.dtype ? src : src.astype(t.dtype)).clone();
}

/** One line per problem kind, e.g. `missing: a.weight; mis-shaped: b.bias (expected [3], got [4])`. */
export function describeReport(r: LoadReport): string {
  const parts: string[] = [];
  if (r.missing.length) parts.push(`missing: ${r.missing.join(', ')}`);
  if (r.unexpected.length) parts.push(`unexpected: ${r.unexpected.join(', ')}`);
  if (r.mismatched.length) {
    parts.push(
      `mis-shaped: ${r.mismatched.map((m) => `${m.key} (expected ${formatShape(m.expected)}, got ${formatShape(m.got)})`).join(', ')}`,
    );
  }
  return parts.join('; ') || 'ok';
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** An indexable list of modules whose children are named '0', '1', ... (torch.nn.ModuleList). */
export class ModuleList<M extends Module = Module> extends Module {
  static override readonly typeName: string = 'ModuleList';
  private readonly _items: M[];

  constructor(items: readonly M[] = []) {
    super();
    this._items = [...items];
  }

  override namedChildren(): [string, Module][] {
    return this._items.map((m, i) => [String(i), m]);
  }

  get length(): number {
    return this._items.length;
  }

  at(i: number): M {
    const m = this._items.at(i);
    if (!m) throw new RangeError(`ModuleList: index ${i} is out of range for ${this._items.length} modules`);
    return m;
  }

  push(m: M): void {
    this._items.push(m);
  }

  [Symbol.iterator](): Iterator<M> {
    return this._items[Symbol.iterator]();
  }
}
