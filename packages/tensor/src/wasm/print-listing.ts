/** Prints the kernel modules in the WebAssembly text format: `npx --yes pnpm@12.4.2 kernels:listing`. */
import { fmaListing, fmaModuleBytes } from './fma-gemm';
import { kernelListing, kernelModuleBytes } from './kernel-module';

const bytes = kernelModuleBytes();
console.log(`;; ${bytes.length} bytes, WebAssembly.validate: ${WebAssembly.validate(bytes)}`);
console.log(kernelListing());
// The opt-in FMA module (GQA_WASM_FMA=1): Node 20 validates it only under --experimental-wasm-relaxed-simd.
const fma = fmaModuleBytes();
console.log(
  `\n;; opt-in FMA module (GQA_WASM_FMA=1, relaxed SIMD): ${fma.length} bytes, WebAssembly.validate: ${WebAssembly.validate(fma)}`,
);
console.log(fmaListing());
