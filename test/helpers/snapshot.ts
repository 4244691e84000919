/** Every file under a directory with its bytes, keyed by relative path. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function snapshot(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else m.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return m;
}

/** Paths whose bytes differ (or exist on one side only); empty when the trees are identical. */
export function treeDiff(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (!b.has(k)) out.push(`only in first: ${k}`);
  else if (!v.equals(b.get(k)!)) out.push(`differs: ${k}`);
  for (const k of b.keys()) if (!a.has(k)) out.push(`only in second: ${k}`);
  return out;
}
