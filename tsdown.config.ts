/**
 * `pnpm build`: each library package to its dist/ (ESM JavaScript, one bundled .d.ts per entry, source maps),
 * the form its published package.json (publishConfig) points at. Bundling per entry makes the output valid
 * for Node's ESM resolver and for moduleResolution nodenext, whose relative imports need file extensions that
 * the sources (written for the Bundler resolution of the workspace) leave out. Sibling @gqa-lab packages,
 * gpu.js and webgpu stay imports (never bundled). The sources stay what the tests and tsx run.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'tsdown';

const tsconfig = fileURLToPath(new URL('./tsconfig.build.json', import.meta.url));

function pkg(dir: string, entry: Record<string, string>): UserConfig {
  return {
    cwd: `packages/${dir}`,
    entry,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outDir: 'dist',
    clean: true,
    sourcemap: true,
    hash: false,
    fixedExtension: false,
    tsconfig,
    dts: { tsconfig },
    deps: { neverBundle: [/^@gqa-lab\//, 'gpu.js', 'webgpu', /^node:/] },
  };
}

export default defineConfig([
  pkg('tensor', {
    index: 'src/index.ts',
    // Worker entries, next to index.js: the pool and the webgpu device start them as ./<name>.js from dist.
    'pool-worker': 'src/cpu/pool-worker.ts',
    'webgpu-worker': 'src/gpujs/webgpu-worker.ts',
  }),
  pkg('autograd', { index: 'src/index.ts' }),
  pkg('nn', { index: 'src/index.ts' }),
  pkg('gqa', { index: 'src/index.ts' }),
  pkg('vit', { index: 'src/index.ts', browser: 'src/browser.ts', cli: 'src/cli.ts' }),
]);
