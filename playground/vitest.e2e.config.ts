/**
 * The playground's end-to-end test (`pnpm test:playground`): builds the site, serves it with vite preview and
 * drives it in Debian's Chromium through Playwright (GQA_CHROMIUM overrides the path; .ci/browser-setup.sh
 * installs it). Not part of the Node suite, whose include never matches *.e2e.ts.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['playground/test/**/*.e2e.ts'],
    testTimeout: 420_000,
    hookTimeout: 240_000,
  },
});
