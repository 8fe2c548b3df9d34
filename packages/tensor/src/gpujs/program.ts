/**
 * A GPU job as plain data: inputs (host arrays, or handles of results kept on the device by earlier
 * programs), a list of kernel steps whose arguments are inputs or earlier steps' device-resident results,
 * and which step results it returns: read back, or kept on the device under new handles. Plain data crosses
 * to the webgpu worker thread unchanged, and lets one backend op (softmax, layer norm) chain kernels on the
 * device and one op's output feed the next op without a readback.
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

/** A program input: values uploaded from the host, or the handle of a result kept on the device. */
export type ProgramInput = Float32Array | { readonly device: number; readonly length: number };

export interface Program {
  readonly inputs: readonly ProgramInput[];
  readonly steps: readonly Step[];
  /** Indices of the steps whose results are returned, in order. */
  readonly returns: readonly number[];
  /** Read the returned results back (true), or keep them on the device and return their handles (false). */
  readonly readBack: boolean;
}

/** What a program run gives back: values when it read back, handles of kept device results otherwise. */
export interface ProgramResult {
  readonly values: Float32Array[];
  readonly handles: number[];
}

/** Whether a program input is uploaded from the host (true) or already on the device. */
export function isHostInput(input: ProgramInput): input is Float32Array {
  return input instanceof Float32Array;
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

/**
 * Cache key: one compiled kernel per (kernel, output size, constants, argument kinds: host or device, and
 * argument lengths). GL kernels size each argument's texture when they are built, so a longer argument under
 * the same key would overrun it (a broadcast matmul reads a b of another length than its output).
 */
export function kernelKey(program: Program, step: Step): string {
  const kinds = step.args
    .map((a) => {
      if (!('input' in a)) return `d${program.steps[a.step].size}`;
      const input = program.inputs[a.input];
      return `${isHostInput(input) ? 'h' : 'd'}${input.length}`;
    })
    .join(',');
  const consts = Object.keys(step.constants)
    .sort()
    .map((k) => `${k}=${step.constants[k]}`)
    .join(',');
  return `${step.kernel}|${step.size}|${consts}|${kinds}`;
}

/** A one-kernel program over its inputs, its result kept on the device unless `readBack`. */
export function singleStep(
  kernel: KernelName,
  inputs: readonly ProgramInput[],
  size: number,
  constants: KernelConstants = {},
  readBack = false,
): Program {
  return {
    inputs,
    steps: [{ kernel, constants, size, args: inputs.map((_, i) => ({ input: i })) }],
    returns: [0],
    readBack,
  };
}
