/**
 * A GPU job as plain data: host inputs, a list of kernel steps whose arguments are host inputs or earlier
 * steps' device-resident results, and which step results to read back. Plain data crosses to the webgpu
 * worker thread unchanged, and lets one backend op (softmax, layer norm) chain kernels on the device.
 */
import { BINARY_OPS, type BinaryOp, COMPARE_OPS, type CompareOp, UNARY_OPS, type UnaryOp } from '../backend';
import {
  BINARY_BODIES,
  COMPARE_BODIES,
  type KernelBody,
  type KernelConstants,
  UNARY_BODIES,
} from './kernels-elementwise';
import { ROW_BODIES, type RowKernelName } from './kernels-rows';

export type KernelName = `unary.${UnaryOp}` | `binary.${BinaryOp}` | `compare.${CompareOp}` | RowKernelName;

/** A step argument: the i-th host input, or the (device-resident) result of an earlier step. */
export type StepArg = { readonly input: number } | { readonly step: number };

export interface Step {
  readonly kernel: KernelName;
  readonly constants: KernelConstants;
  /** Number of output elements (threads); the output is 1-d. */
  readonly size: number;
  readonly args: readonly StepArg[];
}

export interface Program {
  readonly inputs: readonly Float32Array[];
  readonly steps: readonly Step[];
  /** Indices of the steps whose results are read back, in order. */
  readonly returns: readonly number[];
}

/** The largest buffer a kernel reads or writes: float indices are exact below 2^24. */
export const MAX_GPU_ELEMENTS = 2 ** 24;

/** The kernel body registered under `name`. */
export function kernelBody(name: KernelName): KernelBody {
  const [group, op] = name.split('.');
  if (group === 'unary' && (UNARY_OPS as readonly string[]).includes(op)) return UNARY_BODIES[op as UnaryOp];
  if (group === 'binary' && (BINARY_OPS as readonly string[]).includes(op))
    return BINARY_BODIES[op as BinaryOp];
  if (group === 'compare' && (COMPARE_OPS as readonly string[]).includes(op))
    return COMPARE_BODIES[op as CompareOp];
  if (Object.hasOwn(ROW_BODIES, name)) return ROW_BODIES[name as RowKernelName];
  throw new Error(`gpujs: unknown kernel ${name}`);
}

/** Cache key: one compiled kernel per (kernel, output size, constants, argument kinds). */
export function kernelKey(step: Step): string {
  const kinds = step.args.map((a) => ('input' in a ? 'h' : 'd')).join('');
  const consts = Object.keys(step.constants)
    .sort()
    .map((k) => `${k}=${step.constants[k]}`)
    .join(',');
  return `${step.kernel}|${step.size}|${consts}|${kinds}`;
}

/** A one-kernel program over host inputs. */
export function singleStep(
  kernel: KernelName,
  inputs: readonly Float32Array[],
  size: number,
  constants: KernelConstants = {},
): Program {
  return {
    inputs,
    steps: [{ kernel, constants, size, args: inputs.map((_, i) => ({ input: i })) }],
    returns: [0],
  };
}
