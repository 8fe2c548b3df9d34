/**
 * `pnpm build`: each library package to its dist/ (ESM JavaScript, one bundled .d.ts per entry, source maps),
 * the form its published package.json (publishConfig) points at. Bundling per entry makes the output valid
 * for Node's ESM resolver and for moduleResolution nodenext, whose relative imports need file extensions that
 * the sources (written for the Bundler resolution of the workspace) leave out. Sibling @gqa-lab packages,
 * gpu.js and webgpu stay imports (never bundled). The sources stay what the tests and tsx run.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Rolldown, type UserConfig } from 'tsdown';

const tsconfig = fileURLToPath(new URL('./tsconfig.build.json', import.meta.url));

/**
 * Every `<name>-worker.ts` under the package's src/ as the entry `<name>-worker`, next to index.js in dist/: the
 * CPU pool and the webgpu device start their workers as new URL('./<name>-worker.js', import.meta.url) there
 * (and through a tsx entry from the sources), so a renamed worker file is followed without editing this list.
 */
function workerEntries(pkgDir: string): Record<string, string> {
  const src = fileURLToPath(new URL(`./${pkgDir}/src/`, import.meta.url));
  const entries: Record<string, string> = {};
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('-worker.ts')) entries[basename(file, '.ts')] = `src/${file}`;
  }
  return entries;
}

/**
 * The package.json sideEffects fields tell consumers' bundlers which built files register things at import;
 * this build would otherwise apply them to the package's own sources too and drop a top-level registration
 * (autograd's installGradOps(...) in src/ops.ts went missing that way). Every source module keeps its
 * top-level statements here.
 */
const keepSourceSideEffects: Rolldown.Plugin = {
  name: 'gqa-lab:keep-source-side-effects',
  async resolveId(source, importer, options) {
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    if (!resolved || resolved.external || !/\/src\/.*\.ts$/.test(resolved.id)) return resolved;
    return { ...resolved, moduleSideEffects: true };
  },
};

function pkg(dir: string, entry: Record<string, string>): UserConfig {
  return {
    name: dir,
    cwd: `packages/${dir}`,
    entry,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outDir: 'dist',
    clean: true,
    sourcemap: true,
    plugins: [keepSourceSideEffects],
    hash: false,
    fixedExtension: false,
    tsconfig,
    dts: { tsconfig },
    deps: { neverBundle: [/^@gqa-lab\//, 'gpu.js', 'webgpu', /^node:/] },
  };
}

export default defineConfig([
  pkg('tensor', { index: 'src/index.ts', ...workerEntries('packages/tensor') }),
  pkg('autograd', { index: 'src/index.ts' }),
  pkg('nn', { index: 'src/index.ts', browser: 'src/browser.ts' }),
  pkg('gqa', { index: 'src/index.ts' }),
  pkg('vit', {
    index: 'src/index.ts',
    browser: 'src/browser.ts',
    cli: 'src/cli.ts',
    ...workerEntries('packages/vit'),
  }),
]);
