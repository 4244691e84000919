/**
 * The same generator under Deno (the `deno` npm package ships the binary) writes byte-identical
 * files to Node's. Needs the built package (dist/), which `npm ci` produces.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { snapshot } from '../helpers/snapshot.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const deno = join(root, 'node_modules/.bin/deno');


function runBoth(base: string, name: string, cliArgs: string[], denoArgs: string[]): { a: Map<string, Buffer>; b: Map<string, Buffer>; out: string } {
  const nodeOut = join(base, `${name}-node`);
  const denoOut = join(base, `${name}-deno`);
  execFileSync(process.execPath, [join(root, 'dist/cli/bin.js'), 'generate', ...cliArgs, '--workers', '1', '--skip-validation', '--out', nodeOut, '--quiet'], {
    cwd: root,
    stdio: 'pipe',
  });
  const out = execFileSync(deno, ['run', '-A', join(root, 'examples/deno/generate.ts'), denoOut, ...denoArgs], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(base, '.deno') },
  }).toString();
  return { a: snapshot(nodeOut), b: snapshot(denoOut), out };
}

describe('Deno', () => {
  it('renders, augments and encodes dataset samples byte-identical to Node', () => {
    const base = mkdtempSync(join(tmpdir(), 'sousa-deno-audio-'));
    const args = ['--rudiments', 'flam,multiple_bounce_roll,single_paradiddle', '--with-audio', '--augmentations', '1'];
    const { a, b, out } = runBoth(base, 'audio', args, args);
    expect(out).toMatch(/deno: 12 samples/);
    const flacs = [...a.keys()].filter((k) => k.endsWith('.flac'));
    expect(flacs.length).toBe(12);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
  });

  it('generates the tiny preset byte-identical to Node', () => {
    expect(existsSync(join(root, 'dist/index.js')), 'dist/ missing: run npm run build').toBe(true);
    const base = mkdtempSync(join(tmpdir(), 'sousa-deno-'));
    const nodeOut = join(base, 'node');
    const denoOut = join(base, 'deno');
    execFileSync(process.execPath, [join(root, 'dist/cli/bin.js'), 'generate', '--preset', 'tiny', '--out', nodeOut, '--quiet'], {
      cwd: root,
      stdio: 'pipe',
    });
    const out = execFileSync(deno, ['run', '-A', join(root, 'examples/deno/generate.ts'), denoOut], {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(base, '.deno') },
    }).toString();
    expect(out).toMatch(/deno: 160 samples/);
    const a = snapshot(nodeOut);
    const b = snapshot(denoOut);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    expect(a.size).toBeGreaterThan(160);
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
  });
});
