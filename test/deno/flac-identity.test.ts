/**
 * The renderer and the FLAC encoder give byte-identical files under Deno and Node: the same notes
 * rendered with the tiny test SF2 and with TimGM6mb, mono and stereo. Deno runs the TypeScript
 * sources directly (the `deno` npm package ships the binary), so no build is needed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderIdentityFlac } from '../helpers/identity-case.js';
import { tinySnareSf2 } from '../helpers/tiny-sf2.js';

const root = resolve(import.meta.dirname, '../..');
const deno = join(root, 'node_modules/.bin/deno');
const base = mkdtempSync(join(tmpdir(), 'sousa-deno-flac-'));

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('Deno', () => {
  it('renders and encodes the identity case to the same FLAC bytes as Node', async () => {
    const out = execFileSync(deno, ['run', '-A', '--sloppy-imports', join(root, 'test/deno/flac-identity.deno.ts'), base], {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(base, '.deno') },
    }).toString();
    expect(out).toMatch(/deno: tiny 1ch 233262 frames/);
    const cases: [string, Uint8Array][] = [
      ['tiny', tinySnareSf2()],
      ['timgm6mb', new Uint8Array(readFileSync('/usr/share/sounds/sf2/TimGM6mb.sf2'))],
    ];
    for (const [name, sf2] of cases) {
      for (const channels of [1, 2] as const) {
        const { flac } = await renderIdentityFlac(sf2, name, channels);
        const fromDeno = readFileSync(join(base, `${name}-${channels}ch.flac`));
        expect(fromDeno.length, `${name} ${channels}ch`).toBe(flac.length);
        expect(Buffer.from(flac).equals(fromDeno), `${name} ${channels}ch`).toBe(true);
      }
    }
  });
});
