/**
 * The playground end to end in real Chromium: the built site trains a small MHA model and two variants (GQA,
 * KDGQA) for 160 steps each, driven from the keyboard; the loss falls, the curves and the allocation
 * heatmap update, pause / resume hold the run, results.json and a model file download, the model file loads
 * back in the page (same accuracy) and in `gqa-lab eval`, and the console stays free of errors and warnings.
 * The controls' names and roles are read from the accessibility tree. A screenshot is kept as an artifact.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseResults } from '@gqa-lab/vit';
import type { Browser, Page } from 'playwright';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveBuiltSite } from './site';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const artifacts = join(repo, 'playground', 'test-results');
const work = mkdtempSync(join(tmpdir(), 'playground-e2e-'));
let server: PreviewServer;
let browser: Browser;
let page: Page;
const consoleProblems: string[] = [];
/**
 * Fine-tuning of each variant: 2,560 images at batch 32 for 2 epochs, 160 steps, so KDGQA runs for seconds
 * after its heatmap's first draw and the Pause click lands while it trains (40 steps on the WebAssembly
 * tier took under a second: a CI run saw 'done' before 'paused').
 */
const FINE_TUNING = { epochs: 2, images: 2560, batch: 32 };
const STEPS = (FINE_TUNING.epochs * FINE_TUNING.images) / FINE_TUNING.batch;

beforeAll(async () => {
  const site = await serveBuiltSite(join(work, 'site'));
  server = site.server;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => consoleProblems.push(`worker ${m.type()}: ${m.text()}`)));
  await page.goto(site.url);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
});

/** Focuses `name`'s control by tabbing (at most 80 presses), so the test goes where a keyboard user can. */
async function tabTo(id: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`#${id} is not reachable with Tab`);
}

/** `gqa-lab ARGS...` from the sources (tsx), one thread; returns what it printed. */
function gqaLab(...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'packages/vit/src/cli.ts'), ...args], {
    encoding: 'utf8',
    cwd: repo,
    env: { ...process.env, GQA_THREADS: '1' },
  });
}

async function typeNumber(id: string, value: number): Promise<void> {
  await tabTo(id);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(String(value));
}

describe('playground', () => {
  it('names every control in the accessibility tree', async () => {
    const tree = await page.getByRole('form', { name: 'Training settings' }).ariaSnapshot();
    for (const line of [
      'combobox "Preset"',
      'group "Variants"',
      'checkbox "gqa"',
      'checkbox "kdgqa"',
      'combobox "KV heads"',
      'combobox "Fidelity"',
      'spinbutton "Pretraining epochs"',
      'spinbutton "Fine-tuning epochs"',
      'spinbutton "Learning rate"',
      'spinbutton "Seed"',
      'combobox "Backend"',
      'button "Train"',
      'button "Pause" [disabled]',
      'button "Resume" [disabled]',
      'button "Stop" [disabled]',
    ])
      expect(tree).toContain(line);
    await expect(page.getByLabel(/Load a model file/).getAttribute('type')).resolves.toBe('file');
    await expect(page.locator('#status').filter({ hasText: 'press Train' }).count()).resolves.toBe(1);
  });

  it('trains two variants from the keyboard, with pause / resume, live charts and falling loss', async () => {
    // Two variants: gqa and kdgqa on, dgqa-diff (on by default) off, each toggled with Space.
    await tabTo('variant-dgqa-diff');
    await page.keyboard.press('Space');
    await typeNumber('pretrain-epochs', 3);
    await typeNumber('epochs', FINE_TUNING.epochs);
    await typeNumber('train-images', FINE_TUNING.images);
    await typeNumber('test-images', 200);
    await typeNumber('batch-size', FINE_TUNING.batch);
    await tabTo('train');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#backend-label').textContent(), { timeout: 60_000 })
      .toMatch(/^cpu \(/);

    // The allocation heatmap appears while KDGQA trains; pause there and check that nothing moves.
    const lastStep = page.locator('#allocation-kdgqa-0 text[text-anchor="end"]:not([dominant-baseline])');
    await lastStep.waitFor({ timeout: 240_000 });
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('paused');
    await page.waitForTimeout(300); // the redraw of steps that arrived before the pause
    const pausedAt = Number(await lastStep.textContent());
    await page.waitForTimeout(1500);
    expect(Number(await lastStep.textContent())).toBe(pausedAt);
    expect(pausedAt).toBeLessThan(STEPS);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 240_000 }).toBe('done');
    // The heatmap kept updating to the last step (charts redraw on the next animation frame).
    await expect.poll(() => lastStep.textContent()).toBe(String(STEPS));
    await expect.poll(() => page.locator('#keynorms-kdgqa-1 rect').count()).toBeGreaterThan(STEPS);
    // Curves: one line per run (pretrain, gqa, kdgqa) in both charts; both variants in the comparison.
    await expect.poll(() => page.locator('#loss-chart path').count()).toBe(3);
    await expect.poll(() => page.locator('#accuracy-chart path').count()).toBe(3);
    await expect.poll(() => page.locator('#compare-table tbody tr').count()).toBe(2);
  });

  it('downloads results.json (the CLI schema) whose losses fall', async () => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download results.json' }).click(),
    ]);
    const path = join(work, 'results.json');
    await file.saveAs(path);
    const results = parseResults(JSON.parse(readFileSync(path, 'utf8')), path);
    const pretrain = results.pretrain.history;
    expect(pretrain).toHaveLength(3);
    expect(pretrain[2].trainLoss).toBeLessThan(pretrain[0].trainLoss);
    expect(results.runs.map((r) => r.variant)).toEqual(['gqa', 'kdgqa']);
    for (const run of results.runs) {
      const steps = run.steps ?? [];
      expect(steps).toHaveLength(STEPS);
      const mean = (xs: typeof steps) => xs.reduce((s, x) => s + x.trainLoss, 0) / xs.length;
      expect(mean(steps.slice(-10))).toBeLessThan(mean(steps.slice(0, 10)));
      expect(run.kvHeadsPerLayer).toEqual([2, 2]);
    }
    expect(results.runs[1].traces).toHaveLength(2);
    // The CLI's report command rebuilds its HTML report from the page's results.json.
    gqaLab('report', '--results', path, '--out', join(work, 'report.html'));
    expect(readFileSync(join(work, 'report.html'), 'utf8')).toContain('kdgqa');
  });

  it('downloads a model file that loads back in the page and in gqa-lab eval', async () => {
    await page.getByLabel('Model', { exact: true }).selectOption('kdgqa');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download model file' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe('kdgqa.safetensors');
    const path = join(work, 'kdgqa.safetensors');
    await file.saveAs(path);
    const finalAccuracy = await page
      .locator('#compare-table tbody tr', { hasText: 'kdgqa' })
      .locator('td')
      .nth(5)
      .textContent();

    await page.getByLabel(/Load a model file/).setInputFiles(path);
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 60_000 })
      .toMatch(/^loaded kdgqa\.safetensors: kdgqa/);
    expect(await page.locator('#status').textContent()).toContain(`test accuracy ${finalAccuracy}`);

    const out = gqaLab('eval', '--model', path, '--test-limit', '200');
    expect(out).toMatch(/kdgqa, KV heads per layer \[2, 2\]; 200 test images/);
    // The CLI reads the same bundled subset, limited by the same seeded choice, so the accuracy agrees.
    expect(out).toContain('fashion-mnist-subset'); // no Debian full dataset here: the CLI's built-in subset
    if (out.includes('fashion-mnist-subset'))
      expect(out).toContain(`test accuracy ${finalAccuracy?.replace('%', '')}`);
  });

  it('loads a model file written by gqa-lab train, as the MHA model to start from', async () => {
    const out = join(work, 'cli-run');
    gqaLab(
      'train',
      '--preset',
      'vit_micro_patch7_28',
      '--train-limit',
      '64',
      '--test-limit',
      '32',
      '--epochs',
      '1',
      '--batch-size',
      '32',
      '--out',
      out,
    );
    await page.getByLabel(/Load a model file/).setInputFiles(join(out, 'model.safetensors'));
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 60_000 })
      .toMatch(
        /^loaded model\.safetensors: mha, 2 blocks, 8 query heads, 8 KV heads.*starts from it instead of pretraining$/,
      );
  });

  it('shows attention maps per head and the confusion matrix, and keeps a screenshot', async () => {
    await page.getByLabel('Model', { exact: true }).selectOption('kdgqa');
    await page.getByRole('button', { name: 'Show attention' }).click();
    await page.locator('#attention-layer-1').waitFor({ timeout: 30_000 });
    // 8 heads of 4 x 4 patches per layer.
    await expect(page.locator('#attention-layer-0 rect').count()).resolves.toBe(8 * 16);
    await expect(page.locator('#confusion-chart rect').count()).resolves.toBe(100);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'playground.png'), fullPage: true });
  });

  it('trains on the gpu.js WebGL2 backend in the worker and says so', async () => {
    await page.getByLabel('Backend').selectOption('webgl2');
    await page.getByRole('checkbox', { name: 'kdgqa' }).uncheck();
    await page.getByLabel('Fine-tuning epochs').fill('1');
    await page.getByLabel('Training images').fill('64');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 240_000 })
      .toMatch(/^(done|.*not available.*)$/);
    expect(await page.locator('#error').textContent()).toBe('');
    expect(await page.locator('#backend-label').textContent()).toMatch(/^gpu\.js WebGL2Kernel/);
    await expect.poll(() => page.locator('#compare-table tbody tr').count()).toBe(1);
  });

  it('logged no console error or warning', () => {
    expect(consoleProblems).toEqual([]);
  });
});
