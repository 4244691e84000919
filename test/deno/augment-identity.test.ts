/**
 * The augmentation chain gives byte-identical audio under Deno and Node: every preset on the
 * identity signal (test/helpers/augment-identity.ts), compared preset by preset and against the
 * pinned hash. Deno runs the TypeScript sources directly, so no build is needed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUGMENT_IDENTITY_SHA256, augmentIdentityDigest } from '../helpers/augment-identity.js';

const root = resolve(import.meta.dirname, '../..');
const deno = join(root, 'node_modules/.bin/deno');
const base = mkdtempSync(join(tmpdir(), 'sousa-deno-augment-'));

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('Deno', () => {
  it('augments the identity signal with every preset to the same bytes as Node', async () => {
    const out = execFileSync(deno, ['run', '-A', '--sloppy-imports', join(root, 'test/deno/augment-identity.deno.ts')], {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(base, '.deno') },
    }).toString();
    const line = out.split('\n').find((l) => l.startsWith('deno-augment: '));
    expect(line, out).toBeDefined();
    const fromDeno = JSON.parse(line!.slice('deno-augment: '.length)) as { sha256: string; perPreset: Record<string, string> };
    const fromNode = await augmentIdentityDigest();
    expect(fromDeno.perPreset).toEqual(fromNode.perPreset);
    expect(fromDeno.sha256).toBe(fromNode.sha256);
    expect(fromNode.sha256).toBe(AUGMENT_IDENTITY_SHA256);
  });
});
