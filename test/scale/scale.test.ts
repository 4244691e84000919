/**
 * Scale and trust, on the built CLI (dist/, as users run it): any worker count, a kill -9 at a
 * random point followed by --resume, and shards merged on "other machines" all give the same
 * bytes as one uninterrupted single-worker run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { snapshot, treeDiff } from '../helpers/snapshot.js';
import { rngFor } from '../../src/random/index.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'dist/cli/bin.js');
const base = mkdtempSync(join(tmpdir(), 'sousa-scale-'));

// 6 profiles x 40 rudiments x 2 tempos = 480 performances in 48 chunks of 10
const SYMBOLIC = ['--profiles', '6', '--tempos', '2', '--chunk-size', '10', '--quiet', '--skip-validation'];
const AUDIO = ['--with-audio', '--profiles', '4', '--rudiments', 'flam,drag,single_paradiddle,multiple_bounce_roll', '--chunk-size', '2', '--quiet', '--skip-validation'];

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

function gen(out: string, extra: string[]): void {
  const r = run(['generate', ...extra, '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

let reference = '';
let audioReference = '';
beforeAll(() => {
  expect(existsSync(bin), 'dist/ missing: run npm run build').toBe(true);
  reference = join(base, 'reference');
  gen(reference, [...SYMBOLIC, '--workers', '1']);
  audioReference = join(base, 'audio-reference');
  gen(audioReference, [...AUDIO, '--workers', '1']);
});

describe('workers', () => {
  it('gives byte-identical output with 1 and 2 workers (symbolic)', () => {
    const out = join(base, 'w2');
    gen(out, [...SYMBOLIC, '--workers', '2']);
    expect(treeDiff(snapshot(reference), snapshot(out))).toEqual([]);
  });

  it('reports each worker\'s own memory (JS heap and off-heap), one entry per worker', async () => {
    const { resolveConfig } = (await import(join(root, 'dist/index.js'))) as typeof import('../../src/index.js');
    const { createNodePool } = (await import(join(root, 'dist/node.js'))) as typeof import('../../src/node.js');
    const pool = await createNodePool(resolveConfig({ profiles: 2, tempos: 1 }), 2, []);
    try {
      const m = await pool.memory();
      expect(m.length).toBe(2);
      for (const w of m) {
        expect(w.heapUsed).toBeGreaterThan(1 << 20);
        expect(w.external).toBeGreaterThanOrEqual(w.arrayBuffers);
        // an isolate's own heap, not the process's (which holds both workers and this thread)
        expect(w.heapUsed).toBeLessThan(process.memoryUsage().rss);
      }
    } finally {
      await pool.close();
    }
  });

  it('gives byte-identical output with 1 and 2 workers (audio)', () => {
    const out = join(base, 'aw2');
    gen(out, [...AUDIO, '--workers', '2']);
    const a = snapshot(audioReference);
    expect([...a.keys()].filter((k) => k.endsWith('.flac')).length).toBe(16);
    expect(treeDiff(a, snapshot(out))).toEqual([]);
  });
});

describe('kill -9 and --resume', () => {
  const rng = rngFor(1, 'kill-points');
  for (const attempt of [0, 1, 2]) {
    it(`finishes identical to an uninterrupted run (attempt ${attempt})`, async () => {
      const out = join(base, `killed-${attempt}`);
      // kill at a random moment after the run has started writing (the plan line is printed
      // after the manifest is written)
      const waitMs = rng.int(2500);
      const child = spawn(process.execPath, [bin, 'generate', ...SYMBOLIC.filter((a) => a !== '--quiet'), '--workers', '2', '--out', out], {
        cwd: root,
        stdio: 'pipe',
      });
      const killed = await new Promise<boolean>((res) => {
        let timer: NodeJS.Timeout | undefined;
        child.stderr.on('data', (d: Buffer) => {
          if (timer === undefined && /generating/.test(d.toString())) {
            timer = setTimeout(() => {
              child.kill('SIGKILL');
              res(true);
            }, waitMs);
          }
        });
        child.on('exit', () => {
          clearTimeout(timer);
          res(false);
        });
      });
      console.log(`attempt ${attempt}: ${killed ? `killed ${waitMs} ms after start` : 'finished before the kill'}`);
      await new Promise((r) => setTimeout(r, 50));
      const partsAtKill = existsSync(join(out, 'parts')) ? readdirSync(join(out, 'parts')).filter((f) => f.endsWith('.samples.parquet')).length : 0;
      console.log(`attempt ${attempt}: ${partsAtKill} of 48 chunks complete at the kill`);
      if (killed) {
        // the directory is a partial run: no final tables yet, or at most complete files
        const entries = existsSync(out) ? readdirSync(out) : [];
        expect(entries.every((e) => !e.endsWith('.tmp'))).toBe(true);
      }
      const r = run(['generate', ...SYMBOLIC, '--workers', '2', '--resume', '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(treeDiff(snapshot(reference), snapshot(out))).toEqual([]);
    });
  }

  it('refuses to resume with another configuration, touching nothing', () => {
    const out = join(base, 'resume-other');
    gen(out, [...SYMBOLIC, '--workers', '1']);
    const before = snapshot(out);
    const r = run(['generate', ...SYMBOLIC, '--seed', '7', '--resume', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to resume .* another configuration \(seed: 42 → 7\)/);
    expect(treeDiff(before, snapshot(out))).toEqual([]);
  });
});

describe('shards and merge', () => {
  it('merges 3 shards into the same bytes as one run', () => {
    const dirs = [0, 1, 2].map((i) => join(base, `shard-${i}`));
    dirs.forEach((d, i) => gen(d, [...SYMBOLIC, '--workers', '1', '--shard', `${i}/3`]));
    const merged = join(base, 'merged');
    const r = run(['merge', merged, ...dirs]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(treeDiff(snapshot(reference), snapshot(merged))).toEqual([]);
  });

  it('reads the shard index from JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID', () => {
    const k8s = join(base, 'auto-k8s');
    execFileSync(process.execPath, [bin, 'generate', ...SYMBOLIC, '--shard', 'auto/3', '--out', k8s], {
      env: { ...process.env, JOB_COMPLETION_INDEX: '1' },
      stdio: 'pipe',
    });
    expect(treeDiff(snapshot(join(base, 'shard-1')), snapshot(k8s))).toEqual([]);
    const slurm = join(base, 'auto-slurm');
    execFileSync(process.execPath, [bin, 'generate', ...SYMBOLIC, '--shard', 'auto/3', '--out', slurm], {
      env: { ...process.env, SLURM_ARRAY_TASK_ID: '2' },
      stdio: 'pipe',
    });
    expect(treeDiff(snapshot(join(base, 'shard-2')), snapshot(slurm))).toEqual([]);
  });

  it('rejects bad shard input with clear errors and writes nothing', () => {
    const r1 = run(['generate', ...SYMBOLIC, '--shard', '3/3', '--out', join(base, 'bad1')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--shard index must be in 0\.\.2, got 3/);
    expect(existsSync(join(base, 'bad1'))).toBe(false);
    const other = join(base, 'shard-other-seed');
    gen(other, [...SYMBOLIC, '--seed', '7', '--shard', '2/3']);
    const m1 = run(['merge', join(base, 'bad-merge-1'), join(base, 'shard-0'), join(base, 'shard-1'), other]);
    expect(m1.code).toBe(1);
    expect(m1.stderr).toMatch(/comes from another configuration .*seed: 42 → 7/);
    const m2 = run(['merge', join(base, 'bad-merge-2'), join(base, 'shard-0'), join(base, 'shard-1')]);
    expect(m2.code).toBe(1);
    expect(m2.stderr).toMatch(/shards 2\/3 are missing/);
    const m3 = run(['merge', join(base, 'bad-merge-3'), join(base, 'shard-0'), join(base, 'shard-0'), join(base, 'shard-1')]);
    expect(m3.code).toBe(1);
    expect(m3.stderr).toMatch(/shard 0\/3 appears twice/);
    for (const d of ['bad-merge-1', 'bad-merge-2', 'bad-merge-3']) expect(existsSync(join(base, d))).toBe(false);
  });
});
