/** The README's newcomer commands and .ci/run stay the same text; the version is in sync. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { VERSION } from '../src/version.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

function shBlocks(md: string): string[] {
  return [...md.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

describe('README and CI', () => {
  it('runs exactly the two README commands in .ci/run, in order', () => {
    const blocks = shBlocks(readme);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const [install, tests] = blocks;
    expect(install).toMatch(/^npm ci && npx sousa-wasm generate /);
    expect(tests).toMatch(/npm ci && npm test$/);
    // each README command runs as written, followed only by `|| exit 1`
    const lines = ci.split('\n').map((l) => l.trim().replace(/ \|\| exit 1$/, ''));
    const i = lines.indexOf(install!);
    const j = lines.indexOf(tests!);
    expect(i, 'README command 1 missing from .ci/run').toBeGreaterThan(0);
    expect(j, 'README command 2 missing from .ci/run').toBeGreaterThan(i);
    expect(ci).toMatch(/set -euo pipefail/);
  });

  it('keeps src/version.ts equal to package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('pins exact versions of every dependency', () => {
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const [name, v] of Object.entries(deps as Record<string, string>)) {
        expect(v, name).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
      }
    }
  });
});
