/** Prints the kernel module in the WebAssembly text format: `npx --yes pnpm@12.4.2 kernels:listing`. */
import { kernelListing, kernelModuleBytes } from './kernel-module';

const bytes = kernelModuleBytes();
console.log(`;; ${bytes.length} bytes, WebAssembly.validate: ${WebAssembly.validate(bytes)}`);
console.log(kernelListing());
