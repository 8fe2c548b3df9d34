/** The built site served by vite preview, and Chromium with a page on it, for the end-to-end test. */
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright';
import { build, type PreviewServer, preview } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `pnpm playground:build` into `outDir`, then a preview server on a free port; returns its URL. */
export async function serveBuiltSite(outDir: string): Promise<{ url: string; server: PreviewServer }> {
  await build({ root, configFile: `${root}vite.config.ts`, logLevel: 'error', build: { outDir } });
  const server = await preview({
    root,
    configFile: `${root}vite.config.ts`,
    logLevel: 'error',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1' },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview gave no URL');
  return { url, server };
}

/** Debian's Chromium, headless, WebGL on SwiftShader (as vitest.browser.config.ts). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.GQA_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}
