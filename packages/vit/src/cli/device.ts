/**
 * `--device NAME`, accepted by every command: the backend the command runs on. It is taken out of argv
 * before the command parses its own flags, and the backend is set for the command's duration only.
 */
import {
  type Backend,
  cpuBackend,
  createCpuBackend,
  createGpuBackend,
  type GpuMode,
  getBackend,
  referenceBackend,
  setBackend,
} from '@gqa-lab/tensor';
import { nearest, UsageError } from './args';

/** Every device name with what it selects, for the help text and the error listing the accepted ones. */
export const DEVICES = {
  cpu: 'CPU backend, the default (env: GQA_THREADS, GQA_KERNELS, GQA_WASM_FMA; GQA_BACKEND picks the default)',
  'cpu-js': 'CPU backend with the scalar TypeScript kernels',
  'cpu-wasm': 'CPU backend with its float32 ops on the WebAssembly SIMD kernels',
  reference: 'plain-loop float64 reference backend (slow; for checking results)',
  webgpu: 'gpu.js on WebGPU through Dawn (npm install gpu.js@2.24.1 webgpu@0.6.2)',
  headlessgl: 'gpu.js on headless-gl (gpu.js with its native gl module built, and an X display)',
} as const;

export type DeviceName = keyof typeof DEVICES;

function isDevice(name: string): name is DeviceName {
  return Object.hasOwn(DEVICES, name);
}

/** Removes `--device NAME` / `--device=NAME` from argv; null when absent. Throws a UsageError for a bad name. */
export function takeDeviceFlag(argv: readonly string[]): { device: DeviceName | null; argv: string[] } {
  const rest: string[] = [];
  let device: DeviceName | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg !== '--device' && !arg.startsWith('--device=')) {
      rest.push(arg);
      continue;
    }
    const value = arg === '--device' ? argv[++i] : arg.slice('--device='.length);
    const names = Object.keys(DEVICES);
    if (value === undefined || value === '')
      throw new UsageError(`--device needs a value (${names.join('|')})`);
    if (!isDevice(value)) {
      const hint = nearest(value, names);
      throw new UsageError(
        `--device: expected one of ${names.join(', ')}, got '${value}'${hint ? `; did you mean '${hint}'?` : ''}`,
      );
    }
    device = value;
  }
  return { device, argv: rest };
}

async function backendFor(device: DeviceName): Promise<{ backend: Backend; dispose: () => void }> {
  if (device === 'cpu') return { backend: cpuBackend, dispose: () => undefined };
  if (device === 'cpu-js' || device === 'cpu-wasm') {
    return {
      backend: createCpuBackend({ name: device, kernels: device === 'cpu-js' ? 'js' : 'wasm' }),
      dispose: () => undefined,
    };
  }
  if (device === 'reference') return { backend: referenceBackend, dispose: () => undefined };
  const mode: GpuMode = device;
  const gpu = await createGpuBackend({ mode });
  return { backend: gpu, dispose: () => gpu.dispose() };
}

/** Makes `device` the current backend (null: keep the default); the returned function restores the previous one. */
export async function useDevice(device: DeviceName | null): Promise<() => void> {
  if (device === null) return () => undefined;
  const previous = getBackend();
  const { backend, dispose } = await backendFor(device);
  setBackend(backend);
  return () => {
    setBackend(previous);
    dispose();
  };
}
