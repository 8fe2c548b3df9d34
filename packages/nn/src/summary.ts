/**
 * summary(model, inputShape?): a printable table of layers, output shapes and parameter counts
 * (total and trainable), like torchinfo. With an input shape, one forward runs under noGrad with each
 * module's `forward` temporarily wrapped (an own property shadowing the class method, deleted after)
 * to record output shapes.
 */
import { noGrad, Tensor } from '@gqa-lab/autograd';
import { type DType, formatShape, zeros } from '@gqa-lab/tensor';
import type { Module } from './module';

export interface SummaryRow {
  /** Dotted name ('' for the root). */
  name: string;
  /** Class name, e.g. 'Linear'. */
  type: string;
  depth: number;
  /** Output shape of the module's last call during the traced forward, if it ran. */
  outputShape: readonly number[] | null;
  /** Parameters owned by this module itself (not its children). */
  params: number;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
}

export interface SummaryOptions {
  /** dtype of the zero input for the traced forward (default float32). */
  dtype?: DType;
}

function hasForward(m: Module): m is Module & { forward(x: Tensor): unknown } {
  return typeof Reflect.get(m, 'forward') === 'function';
}

/** Structured summary; `summary` formats it. */
export function summarize(
  model: Module,
  inputShape?: readonly number[],
  opts: SummaryOptions = {},
): ModelSummary {
  const modules = model.namedModules();
  const shapes = new Map<Module, readonly number[]>();
  if (inputShape) {
    if (!hasForward(model)) throw new TypeError(`summary: ${model.typeName} has no forward(x) to trace`);
    const wrapped: Module[] = [];
    try {
      for (const [, m] of modules) {
        if (!hasForward(m) || Object.hasOwn(m, 'forward')) continue;
        const original = m.forward;
        Reflect.set(m, 'forward', (...args: Tensor[]) => {
          const out = Reflect.apply(original, m, args);
          if (out instanceof Tensor) shapes.set(m, out.shape);
          return out;
        });
        wrapped.push(m);
      }
      const x = new Tensor(zeros(inputShape, opts.dtype ?? 'float32'), false);
      noGrad(() => model.forward(x));
    } finally {
      for (const m of wrapped) Reflect.deleteProperty(m, 'forward');
    }
  }
  const rows = modules.map(([name, m]) => ({
    name,
    type: m.typeName,
    depth: name === '' ? 0 : name.split('.').length,
    outputShape: shapes.get(m) ?? null,
    params: ownParamCount(m),
  }));
  return { rows, totalParams: model.numParameters(), trainableParams: model.numParameters(true) };
}

function ownParamCount(m: Module): number {
  const childParams = new Set(m.children().flatMap((c) => c.parameters()));
  return m
    .parameters()
    .filter((p) => !childParams.has(p))
    .reduce((n, p) => n + p.size, 0);
}

/** A printable table: one row per module (indented by depth), output shapes, own params, totals. */
export function summary(model: Module, inputShape?: readonly number[], opts: SummaryOptions = {}): string {
  const s = summarize(model, inputShape, opts);
  const table = s.rows.map((r) => [
    `${'  '.repeat(r.depth)}${r.name === '' ? r.type : `${r.name} (${r.type})`}`,
    r.outputShape ? formatShape(r.outputShape) : '-',
    r.params.toLocaleString('en-US'),
  ]);
  const header = ['Layer', 'Output shape', 'Params'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  const total = s.totalParams;
  return [
    line(header),
    rule,
    ...table.map(line),
    rule,
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${s.trainableParams.toLocaleString('en-US')}`,
    `Non-trainable params: ${(total - s.trainableParams).toLocaleString('en-US')}`,
  ].join('\n');
}
