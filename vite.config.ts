import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

// Vitest projects:
// - node:    unit and integration specs (test/**/*.test.ts)
// - deno:    runs the Deno example with the `deno` npm binary and compares bytes with Node
// - browser: the same cases in Debian's Chromium driven by Playwright (no browser download)
// Each run also writes a JSON report (test-results/<project>.json) that .ci/run sums into one
// "N passed, N failed" line.
const argProject = process.argv.includes('--project') ? process.argv[process.argv.indexOf('--project') + 1] : 'all';

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: `test-results/${argProject}.json` },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/deno/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'deno',
          include: ['test/deno/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        // pre-bundle on startup so a cold cache does not reload the page mid-run
        optimizeDeps: { include: ['js-synthesizer'] },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            instances: [{ browser: 'chromium' }],
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                args: [
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                  '--no-first-run',
                ],
              },
            }),
          },
        },
      },
    ],
  },
});
