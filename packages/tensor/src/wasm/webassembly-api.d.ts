/**
 * The part of the WebAssembly JavaScript API the kernels use. The project compiles against lib ES2022
 * without DOM (where TypeScript declares this API), and Node's types do not declare it either.
 */
declare global {
  namespace WebAssembly {
    type ImportValue = Memory | ((...args: number[]) => number | undefined);
    type Imports = Record<string, Record<string, ImportValue>>;
    type ExportValue = ((...args: number[]) => number | undefined) | Memory;
    type Exports = Record<string, ExportValue>;
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
      shared?: boolean;
    }
    class Memory {
      constructor(descriptor: MemoryDescriptor);
      readonly buffer: ArrayBuffer;
      grow(delta: number): number;
    }
    class Module {
      constructor(bytes: Uint8Array);
      /** The contents of the module's custom sections called `name` (the tests read the name section). */
      static customSections(module: Module, name: string): ArrayBuffer[];
    }
    class Instance {
      constructor(module: Module, imports?: Imports);
      readonly exports: Exports;
    }
    function validate(bytes: Uint8Array): boolean;
  }
}

export {};
