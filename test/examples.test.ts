/** The Node example runs as documented against the built package (dist/). */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

describe('examples/node/generate.mjs', () => {
  it('generates 3 players x 2 rudiments x 2 tempos and prints a flam performance', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sousa-example-')), 'ds');
    const text = execFileSync(process.execPath, [join(root, 'examples/node/generate.mjs'), out], { encoding: 'utf8' });
    expect(text).toMatch(/^12 samples written to /m);
    const lines = text.trim().split('\n').slice(1);
    expect(lines.length).toBe(6);
    expect(lines.filter((l) => / grace /.test(l)).length).toBe(3);
    expect(lines.filter((l) => / accent /.test(l)).length).toBe(3);
    expect(existsSync(join(out, 'labels/strokes.parquet'))).toBe(true);
  });
});
