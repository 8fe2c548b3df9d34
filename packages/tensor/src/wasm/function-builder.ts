/**
 * Builds one function body instruction by instruction, keeping both the bytes and a listing in the text
 * format (one instruction per line, indented by block depth, locals and labels by name). Every method
 * returns the builder, so a kernel reads as the stack-machine code it emits:
 *
 *   f.get(acc).get(a).get(b).op('f32x4.mul').op('f32x4.add').set(acc); // acc += a * b, four lanes
 */
import { f32Bytes, f64Bytes, sleb, uleb } from './encoding';
import {
  BLOCK_EMPTY,
  LANE_OPS,
  type LaneOp,
  MEMORY_OPS,
  type MemoryOp,
  OP_BLOCK,
  OP_BR,
  OP_BR_IF,
  OP_ELSE,
  OP_END,
  OP_F32_CONST,
  OP_F64_CONST,
  OP_I32_CONST,
  OP_IF,
  OP_LOCAL_GET,
  OP_LOCAL_SET,
  OP_LOCAL_TEE,
  OP_LOOP,
  PLAIN_OPS,
  type PlainOp,
  SIMD_OPS,
  SIMD_PREFIX,
  SIMD_SHUFFLE,
  type SimdOp,
  VAL_TYPES,
  type ValType,
} from './opcodes';

/** A parameter or local: its index in the function's locals, name (for the listing) and type. */
export interface Local {
  readonly index: number;
  readonly name: string;
  readonly type: ValType;
}

export class FunctionBuilder {
  readonly params: readonly Local[];
  private readonly locals: Local[] = [];
  private readonly bytes: number[] = [];
  private readonly lines: string[] = [];
  /** Open blocks, innermost last: their labels, so that br / br_if can name them. */
  private readonly labels: string[] = [];

  constructor(
    readonly name: string,
    params: Readonly<Record<string, ValType>>,
    readonly results: readonly ValType[] = [],
  ) {
    this.params = Object.entries(params).map(([n, type], index) => ({ index, name: n, type }));
  }

  /** The parameter called `name`. */
  param(name: string): Local {
    const p = this.params.find((q) => q.name === name);
    if (!p) throw new Error(`wasm ${this.name}: no parameter '${name}'`);
    return p;
  }

  /** A new local of the given type (zero-initialised, as WebAssembly does). */
  local(name: string, type: ValType): Local {
    const l = { index: this.params.length + this.locals.length, name, type };
    this.locals.push(l);
    return l;
  }

  get(l: Local): this {
    return this.emit([OP_LOCAL_GET, ...uleb(l.index)], `local.get $${l.name}`);
  }
  set(l: Local): this {
    return this.emit([OP_LOCAL_SET, ...uleb(l.index)], `local.set $${l.name}`);
  }
  tee(l: Local): this {
    return this.emit([OP_LOCAL_TEE, ...uleb(l.index)], `local.tee $${l.name}`);
  }
  i32(n: number): this {
    return this.emit([OP_I32_CONST, ...sleb(n)], `i32.const ${n}`);
  }
  f32(x: number): this {
    // The text format spells infinities inf / -inf.
    const text = Number.isFinite(x) || Number.isNaN(x) ? String(x) : x > 0 ? 'inf' : '-inf';
    return this.emit([OP_F32_CONST, ...f32Bytes(x)], `f32.const ${text}`);
  }
  f64(x: number): this {
    return this.emit([OP_F64_CONST, ...f64Bytes(x)], `f64.const ${x}`);
  }

  /** An instruction without immediates, plain or SIMD. */
  op(name: PlainOp | SimdOp): this {
    if (name in SIMD_OPS) return this.emit([SIMD_PREFIX, ...uleb(SIMD_OPS[name as SimdOp])], name);
    return this.emit([PLAIN_OPS[name as PlainOp]], name);
  }

  /** A load or store at the address on the stack plus a constant byte offset, with natural alignment. */
  mem(name: MemoryOp, offset = 0): this {
    const m = MEMORY_OPS[name];
    const code = m.prefix ? [SIMD_PREFIX, ...uleb(m.code)] : [m.code];
    return this.emit(
      [...code, ...uleb(m.align), ...uleb(offset)],
      offset ? `${name} offset=${offset}` : name,
    );
  }

  /** A SIMD lane instruction (extract / replace lane `lane`). */
  lane(name: LaneOp, lane: number): this {
    return this.emit([SIMD_PREFIX, ...uleb(LANE_OPS[name]), lane], `${name} ${lane}`);
  }

  /** i8x16.shuffle: byte i of the result is byte lanes[i] of the two operands (0-15 first, 16-31 second). */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => !Number.isInteger(l) || l < 0 || l > 31))
      throw new Error(`wasm ${this.name}: i8x16.shuffle takes 16 lane indices in [0, 32), got [${lanes}]`);
    return this.emit([SIMD_PREFIX, ...uleb(SIMD_SHUFFLE), ...lanes], `i8x16.shuffle ${lanes.join(' ')}`);
  }

  /** `block $label ... end`: `br $label` inside jumps to its end. */
  block(label: string, body: () => void): this {
    return this.structured(OP_BLOCK, 'block', label, body);
  }

  /** `loop $label ... end`: `br $label` inside jumps back to its start. */
  loop(label: string, body: () => void): this {
    return this.structured(OP_LOOP, 'loop', label, body);
  }

  /** `if ... else ... end` on the i32 on the stack. */
  if(then: () => void, otherwise?: () => void): this {
    this.structured(OP_IF, 'if', '', then, false);
    if (otherwise) {
      this.emit([OP_ELSE], 'else');
      this.labels.push('');
      otherwise();
      this.labels.pop();
    }
    return this.emit([OP_END], 'end');
  }

  br(label: string): this {
    return this.emit([OP_BR, ...uleb(this.depth(label))], `br $${label}`);
  }
  brIf(label: string): this {
    return this.emit([OP_BR_IF, ...uleb(this.depth(label))], `br_if $${label}`);
  }

  /** The function body as the code section holds it: size, local declarations, instructions, end. */
  encode(): number[] {
    if (this.labels.length !== 0) throw new Error(`wasm ${this.name}: unclosed block ${this.labels.at(-1)}`);
    const decls = this.locals.map((l) => [1, VAL_TYPES[l.type]]);
    const body = [...uleb(decls.length), ...decls.flat(), ...this.bytes, OP_END];
    return [...uleb(body.length), ...body];
  }

  /** The function in the text format: signature, locals, one instruction per line. */
  listing(): string {
    const params = this.params.map((p) => `(param $${p.name} ${p.type})`).join(' ');
    const results = this.results.length ? ` (result ${this.results.join(' ')})` : '';
    const locals = this.locals.map((l) => `  (local $${l.name} ${l.type})`);
    return [`(func $${this.name} ${params}${results}`, ...locals, ...this.lines, ')'].join('\n');
  }

  /** Instructions emitted so far. */
  get instructionCount(): number {
    return this.lines.length;
  }

  private structured(code: number, word: string, label: string, body: () => void, close = true): this {
    this.emit([code, BLOCK_EMPTY], label ? `${word} $${label}` : word);
    this.labels.push(label);
    body();
    this.labels.pop();
    return close ? this.emit([OP_END], 'end') : this;
  }

  /** Relative depth of an enclosing block's label, as br takes it. */
  private depth(label: string): number {
    const i = this.labels.lastIndexOf(label);
    if (i < 0) throw new Error(`wasm ${this.name}: br to '${label}', which no enclosing block is named`);
    return this.labels.length - 1 - i;
  }

  private emit(bytes: readonly number[], text: string): this {
    this.bytes.push(...bytes);
    this.lines.push(`${'  '.repeat(this.labels.length + 1)}${text}`);
    return this;
  }
}
