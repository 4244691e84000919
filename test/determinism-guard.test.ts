/**
 * Static guards for DESIGN decision 1: no Math.random anywhere in src/ or assembly/, and no
 * engine-dependent transcendental functions (Math.exp/log/pow/sin/cos/tan/tanh…, which differ in
 * the last bit between V8 versions) in the modules whose output must be byte-identical across
 * Node, Deno and browsers. Those use src/math/det.ts instead.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir))) {
    const p = join(dir, e);
    if (statSync(join(root, p)).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const OUTPUT_PATH = ['random', 'math', 'rudiments', 'profiles', 'performance', 'labels', 'dataset', 'synth', 'augment', 'audio'];
const TRANSCENDENTAL = /\b10 \*\*|Math\.(exp|expm1|log|log1p|log2|log10|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|cbrt|hypot)\(/;

describe('determinism guards', () => {
  it('never uses Math.random in src/ or assembly/', () => {
    const offenders = [...files('src'), ...files('assembly')].filter((f) => /Math\.random\s*\(/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('uses deterministic math in every module that shapes output bytes', () => {
    const offenders: string[] = [];
    for (const dir of OUTPUT_PATH) {
      let list: string[] = [];
      try {
        list = files(join('src', dir));
      } catch {
        continue;
      }
      for (const f of list) {
        if (f.startsWith('src/math/') || f.startsWith('src/random/')) continue;
        readFileSync(join(root, f), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (TRANSCENDENTAL.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*')) {
              offenders.push(`${f}:${i + 1}: ${line.trim()}`);
            }
          });
      }
    }
    expect(offenders).toEqual([]);
  });
});
