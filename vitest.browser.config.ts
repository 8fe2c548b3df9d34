/**
 * The gpu.js backend's WebGL modes and the CPU backend's WebAssembly SIMD tier in headless Chromium (vitest browser mode, Playwright driving Debian's
 * /usr/bin/chromium; .ci/browser-setup.sh installs it). Software GL: ANGLE on SwiftShader, so no GPU and no
 * X server are needed. Run with `pnpm test:browser`; the Node suite (vitest.config.ts) does not include it.
 */
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // WebGL on the CPU: ANGLE's SwiftShader (Vulkan) backend.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export default defineConfig({
  test: {
    include: ['packages/tensor/test/**/*.browser.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // GQA_GPU=1: a WebGL mode that cannot start fails instead of skipping (read in the page via inject()).
    provide: { gqaGpuRequired: process.env.GQA_GPU === '1' },
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.GQA_CHROMIUM ?? '/usr/bin/chromium',
          args: chromiumArgs,
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
