/**
 * The browser entries of @gqa-lab/nn and @gqa-lab/vit bundle for a browser with esbuild (platform 'browser',
 * which resolves the `browser` export condition and rejects Node built-ins): a top-level node:fs / node:path
 * import anywhere in their import graph fails the build. Vite only warns about such imports; esbuild and
 * webpack fail, so this is the stricter check.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

async function bundleForBrowser(source: string) {
  return build({
    // Resolved from the vit package, which depends on nn.
    stdin: { contents: source, resolveDir: `${root}packages/vit`, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // gpu.js is an optional peer the tensor package imports by a name bundlers do not follow.
    external: ['gpu.js', 'webgpu'],
  });
}

describe('browser entries', () => {
  for (const pkg of ['@gqa-lab/nn', '@gqa-lab/vit', '@gqa-lab/nn/browser', '@gqa-lab/vit/browser']) {
    it(`${pkg} bundles for the browser with no Node built-in`, async () => {
      const result = await bundleForBrowser(`export * from '${pkg}';`);
      expect(result.errors).toEqual([]);
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((p) => p.startsWith('node:'))).toEqual([]);
      // The Node-only files stay out of the graph.
      for (const nodeOnly of ['atomic-write.ts', 'read-regular-file.ts', 'safetensors-file.ts', 'builtin.ts'])
        expect(inputs.filter((p) => p.endsWith(`/${nodeOnly}`))).toEqual([]);
    });
  }

  it('the Node entry of nn does not bundle for the browser (the check can fail)', async () => {
    await expect(bundleForBrowser(`export * from '../nn/src/index.ts';`)).rejects.toThrow(/node:/);
  });
});
