/**
 * The opt-in relaxed-SIMD FMA GEMM where relaxed SIMD is off (Node 20 without --experimental-wasm-relaxed-simd,
 * as the plain suite runs): what it emits, that the default module has none of it, and that asking for it is
 * a clear error rather than a silent fallback. wasm-fma.relaxed-simd.ts runs it under the flag.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCpuBackend, kernelListing, resolveWasmFma, wasmRelaxedSimdSupported } from '../src/index';
import { fmaListing, fmaModuleBytes } from '../src/wasm/fma-gemm';
import { FunctionBuilder } from '../src/wasm/function-builder';

const before = process.env.GQA_WASM_FMA;
afterEach(() => {
  if (before === undefined) delete process.env.GQA_WASM_FMA;
  else process.env.GQA_WASM_FMA = before;
});

/** The instructions of the first k loop (one full 4-row block) of a listing. */
function kLoopBody(listing: string): string[] {
  const inner = listing.split('loop $k')[1].split('\n');
  return inner
    .slice(
      0,
      inner.findIndex((l) => l.trim() === 'end'),
    )
    .map((l) => l.trim());
}

describe('relaxed-SIMD FMA GEMM: emitted code', () => {
  it('f32x4.relaxed_madd encodes as 0xfd then LEB128 0x105 (0x85 0x02)', () => {
    const f = new FunctionBuilder('madd', {}).op('f32x4.relaxed_madd');
    const body = f.encode();
    // size, no local declarations, the instruction, end
    expect(body.slice(2)).toEqual([0xfd, 0x85, 0x02, 0x0b]);
  });

  it('the FMA module emits 8 relaxed_madd per k step and no separate multiply or add', () => {
    const text = fmaListing();
    expect(text).toContain('(func $gemm_fma_f32 (param $a i32)');
    const body = kLoopBody(text);
    expect(body.filter((l) => l === 'f32x4.relaxed_madd')).toHaveLength(8);
    expect(body.filter((l) => l === 'f32x4.mul' || l === 'f32x4.add')).toHaveLength(0);
  });

  it('the default kernel module has no relaxed instruction (its bits are the same on every machine)', () => {
    expect(kernelListing()).not.toContain('relaxed');
  });
});

describe.skipIf(wasmRelaxedSimdSupported())('relaxed-SIMD FMA asked for where relaxed SIMD is off', () => {
  const message =
    /fma was asked for \(GQA_WASM_FMA=1 or the backend's fma option\), but this runtime's WebAssembly does not validate a relaxed-SIMD module \(Node 20 needs node --experimental-wasm-relaxed-simd\)/;

  it('the module does not validate here', () => {
    expect(WebAssembly.validate(fmaModuleBytes())).toBe(false);
  });

  it('the backend option is an error naming the setting and the flag', () => {
    expect(() => createCpuBackend({ fma: true })).toThrow(message);
  });

  it('GQA_WASM_FMA=1 is the same error; 0 and unset are the default; other values are rejected', () => {
    process.env.GQA_WASM_FMA = '1';
    expect(() => createCpuBackend()).toThrow(message);
    process.env.GQA_WASM_FMA = '0';
    expect(resolveWasmFma(undefined, 'wasm')).toBe(false);
    delete process.env.GQA_WASM_FMA;
    expect(resolveWasmFma(undefined, 'wasm')).toBe(false);
    process.env.GQA_WASM_FMA = 'yes';
    expect(() => createCpuBackend()).toThrow("GQA_WASM_FMA must be '0' or '1', got 'yes'");
  });
});
