/**
 * Assembles a WebAssembly module from FunctionBuilders: one imported memory (env.memory), each function
 * exported under its name. Sections in the order the binary format requires: type, import, function,
 * export, code; then the custom name section.
 */
import { name, section, uleb, vec } from './encoding';
import type { FunctionBuilder } from './function-builder';
import { VAL_TYPES } from './opcodes';

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const SECTION_TYPE = 1;
const SECTION_IMPORT = 2;
const SECTION_FUNCTION = 3;
const SECTION_EXPORT = 7;
const SECTION_CODE = 10;
const SECTION_CUSTOM = 0;
const NAME_SUBSECTION_FUNCTIONS = 1;
const FUNC_TYPE = 0x60;
const IMPORT_MEMORY = 0x02;
const EXPORT_FUNC = 0x00;

/** The imported memory's limits, in 64 KiB pages. */
export interface MemoryImport {
  readonly minPages: number;
  readonly maxPages?: number;
  readonly shared?: boolean;
}

/** The module's bytes. */
export function buildModule(
  functions: readonly FunctionBuilder[],
  memory: MemoryImport,
): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [
    FUNC_TYPE,
    ...vec(f.params.map((p) => [VAL_TYPES[p.type]])),
    ...vec(f.results.map((r) => [VAL_TYPES[r]])),
  ]);
  const limits =
    memory.maxPages === undefined
      ? [0x00, ...uleb(memory.minPages)]
      : [memory.shared ? 0x03 : 0x01, ...uleb(memory.minPages), ...uleb(memory.maxPages)];
  const memoryImport = [...name('env'), ...name('memory'), IMPORT_MEMORY, ...limits];
  return Uint8Array.from([
    ...MAGIC_AND_VERSION,
    ...section(SECTION_TYPE, vec(types)),
    ...section(SECTION_IMPORT, vec([memoryImport])),
    ...section(SECTION_FUNCTION, vec(functions.map((_, i) => uleb(i)))),
    ...section(SECTION_EXPORT, vec(functions.map((f, i) => [...name(f.name), EXPORT_FUNC, ...uleb(i)]))),
    ...section(SECTION_CODE, vec(functions.map((f) => f.encode()))),
    ...section(SECTION_CUSTOM, nameSection(functions)),
  ]);
}

/**
 * The custom "name" section's function names: V8 then names each kernel in CPU profiles and stack traces
 * (`gemm_f32` instead of `wasm-function[0]`).
 */
function nameSection(functions: readonly FunctionBuilder[]): number[] {
  const names = vec(functions.map((f, i) => [...uleb(i), ...name(f.name)]));
  return [...name('name'), NAME_SUBSECTION_FUNCTIONS, ...uleb(names.length), ...names];
}

/** The module in the text format (its functions' listings). */
export function moduleListing(functions: readonly FunctionBuilder[]): string {
  return ['(module', '  (import "env" "memory" (memory 1))', ...functions.map((f) => f.listing())]
    .join('\n')
    .concat('\n)');
}
