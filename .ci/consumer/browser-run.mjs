// Bundles the browser consumer (PROJECT/browser, importing the @gqa-lab packages installed in PROJECT)
// with vite's production build, serves it with vite preview and runs it in headless Chromium through
// Playwright (Debian's /usr/bin/chromium, or GQA_CHROMIUM). Fails on a build error, a page or console error, a failed
// training run, non-finite losses, or a summary() that shows minified class names.
// Usage: node .ci/consumer/browser-run.mjs PROJECT
import { join } from 'node:path';
import { chromium } from 'playwright';
import { build, preview } from 'vite';

const project = process.argv[2];
if (!project) throw new Error('usage: browser-run.mjs PROJECT');
const root = join(project, 'browser');
const outDir = join(project, 'browser-dist');

await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const server = await preview({
  root,
  logLevel: 'warn',
  build: { outDir },
  preview: { port: 0, host: '127.0.0.1' },
});
const url = server.resolvedUrls?.local[0];
const browser = await chromium.launch({
  executablePath: process.env.GQA_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update'],
});
let failed = false;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => {
    console.error(`page error: ${e.message}`);
    failed = true;
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    console.error(`console error: ${m.text()}`);
    failed = true;
  });
  await page.goto(url);
  await page.waitForFunction(() => window.gqaResult !== undefined, undefined, { timeout: 120_000 });
  const result = await page.evaluate(() => window.gqaResult);
  if (!result.ok) throw new Error(`the page's training run failed: ${result.error}`);
  console.log(`backend ${result.backend}; losses ${result.losses.map((l) => l.toFixed(4)).join(' ')}`);
  console.log(result.summary.split('\n').slice(0, 6).join('\n'));
  if (!result.losses.every(Number.isFinite)) throw new Error('non-finite loss in the browser run');
  for (const name of ['ViT', 'PatchEmbed', 'Block', 'GroupedQueryAttention', 'LayerNorm', 'Linear', 'MLP']) {
    // The root row starts with its type, child rows show it in parentheses.
    if (!new RegExp(`(^|\\()${name}[)\\s]`, 'm').test(result.summary))
      throw new Error(`summary() lacks ${name} in a minified bundle:\n${result.summary}`);
  }
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}
if (failed) process.exit(1);
console.log('browser consumer: ok');
