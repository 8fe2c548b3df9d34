/**
 * The layers of the repository, lowest first (docs/architecture.md): packages in dependency order, and
 * inside tensor and autograd the files of each layer. A file may import its own layer and those below.
 */

/** Packages, lowest first: a package's sources import only their own package and the ones before it. */
export const PACKAGES = ['tensor', 'autograd', 'nn', 'gqa', 'vit'] as const;

/** A layer: a name and the paths it holds (a folder ends with '/'; relative to the package's src/). */
interface Layer {
  readonly name: string;
  readonly paths: readonly string[];
}

/** Layers inside a package's src/, lowest first. */
export const SOURCE_LAYERS: Readonly<Record<string, readonly Layer[]>> = {
  tensor: [
    {
      name: 'storage and views',
      paths: [
        'typed-array.ts',
        'storage-pool.ts',
        'dtype.ts',
        'shape.ts',
        'view.ts',
        'strided.ts',
        'rng.ts',
        'assert-never.ts',
      ],
    },
    { name: 'NDArray', paths: ['ndarray.ts', 'creation.ts'] },
    { name: 'the Backend interface', paths: ['backend.ts', 'registry.ts', 'kernel-table.ts'] },
    { name: 'argument checks', paths: ['checks/'] },
    { name: 'reference backend', paths: ['reference/'] },
    {
      name: 'composed fallbacks',
      paths: [
        'composed-helpers.ts',
        'composed-softmax.ts',
        'composed-layer-norm.ts',
        'composed-gelu.ts',
        'composed-linear.ts',
        'composed-attention.ts',
        'composed-backend.ts',
      ],
    },
    { name: 'CPU tiers', paths: ['cpu/', 'wasm/'] },
    { name: 'gpu.js backend', paths: ['gpujs/'] },
    { name: 'package entry', paths: ['select-backend.ts', 'index.ts'] },
  ],
  autograd: [
    { name: 'tensor and modes', paths: ['tensor.ts', 'grad-mode.ts', 'grad-ops.ts'] },
    { name: 'definePrimitive', paths: ['primitive.ts'] },
    { name: 'primitives', paths: ['primitives/', 'grad-utils.ts'] },
    { name: 'public ops', paths: ['ops/', 'ops.ts', 'creation.ts', 'grad-buffers.ts'] },
    {
      name: 'backward and composites',
      paths: ['backward.ts', 'functional.ts', 'attention.ts', 'gradcheck.ts'],
    },
    { name: 'package entry', paths: ['index.ts'] },
  ],
};

/** The layer index of `path` (relative to the package's src/) in `layers`, or -1 when none holds it. */
export function layerOf(layers: readonly Layer[], path: string): number {
  return layers.findIndex((l) => l.paths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p)));
}
