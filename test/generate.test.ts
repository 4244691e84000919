/**
 * End-to-end: the CLI generates a dataset on disk; DuckDB (an independent reader) checks the
 * tables and their references; every MIDI file is parsed back against its stroke labels.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { readMidiNotes } from '../src/performance/index.js';
import { query, sqlPath } from './helpers/duckdb.js';
import { snapshot } from './helpers/snapshot.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'sousa-gen-'));
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  const write = process.stderr.write.bind(process.stderr);
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join('\n'), stderr: err.join('') };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}


function tbl(dir: string, name: string): string {
  return `read_parquet(${sqlPath(join(dir, 'labels', `${name}.parquet`))})`;
}

let dir = '';
beforeAll(async () => {
  dir = join(tmp(), 'ds');
  const r = await cli(['generate', '--workers', '1', '--preset', 'tiny', '--out', dir, '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/done: 160 samples/);
});

describe('generate --preset tiny', () => {
  it('writes the SOUSA layout', () => {
    const files = [...snapshot(dir).keys()].sort();
    expect(files.filter((f) => f.startsWith('labels/'))).toEqual([
      'labels/exercises.parquet',
      'labels/measures.parquet',
      'labels/samples.parquet',
      'labels/strokes.parquet',
    ]);
    const midi = files.filter((f) => f.startsWith('midi/'));
    expect(midi.length).toBe(160);
    expect(new Set(midi.map((f) => f.split('/')[1])).size).toBe(40);
    expect(files).toContain('splits.json');
    expect(files).toContain('index.json');
    expect(files).toContain('manifest.json');
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(index.num_samples).toBe(160);
  });

  it('has consistent tables: unique ids, counts and references (DuckDB)', async () => {
    const [s] = await query(
      `select count(*) n, count(distinct sample_id) u, count(distinct profile_id) p, count(distinct rudiment_slug) r, sum(num_strokes) ns, sum(num_measures) nm from ${tbl(dir, 'samples')}`,
    );
    expect(s).toMatchObject({ n: 160, u: 160, p: 4, r: 40 });
    const [st] = await query(`select count(*) n, count(distinct sample_id) u from ${tbl(dir, 'strokes')}`);
    expect(st!.n).toBe(s!.ns);
    expect(st!.u).toBe(160);
    const [me] = await query(`select count(*) n from ${tbl(dir, 'measures')}`);
    expect(me!.n).toBe(s!.nm);
    const orphans = await query(
      `select count(*) n from ${tbl(dir, 'strokes')} s anti join ${tbl(dir, 'samples')} x using (sample_id)`,
    );
    expect(orphans[0]!.n).toBe(0);
    const [ex] = await query(`select count(*) n, count(distinct sample_id) u from ${tbl(dir, 'exercises')}`);
    expect(ex).toEqual({ n: 160, u: 160 });
    // per-sample stroke counts match num_strokes, and indices are 0..n-1
    const bad = await query(`
      select x.sample_id from ${tbl(dir, 'samples')} x join (
        select sample_id, count(*) c, min("index") mn, max("index") mx from ${tbl(dir, 'strokes')} group by 1
      ) s using (sample_id) where s.c <> x.num_strokes or s.mn <> 0 or s.mx <> x.num_strokes - 1`);
    expect(bad).toEqual([]);
    // every tier present, ids follow {tier3}{nnn}_{slug}_{tempo}bpm_raw_clean
    const ids = await query(`select sample_id, profile_id, rudiment_slug, tempo_bpm from ${tbl(dir, 'samples')}`);
    for (const r of ids) {
      expect(r.sample_id).toBe(`${r.profile_id}_${r.rudiment_slug}_${r.tempo_bpm}bpm_raw_clean`);
    }
    const tiers = await query(`select skill_tier, count(*) n from ${tbl(dir, 'samples')} group by 1 order by 1`);
    expect(tiers.map((t) => t.n)).toEqual([40, 40, 40, 40]);
  });

  it('keeps every score in range and finite', async () => {
    const cols = await query(`describe select * from ${tbl(dir, 'exercises')}`);
    const names = cols.map((c) => c.column_name as string).filter((c) => c !== 'sample_id');
    expect(names.length).toBe(15);
    for (const n of names) {
      const hi = n === 'groove_feel_proxy' || n === 'tier_confidence' ? 1 : 100;
      const [r] = await query(
        `select count(*) filter (where "${n}" < 0 or "${n}" > ${hi} or isnan("${n}")) bad from ${tbl(dir, 'exercises')}`,
      );
      expect(r!.bad, n).toBe(0);
    }
  });

  it('has splits by profile, every split non-empty for 4 profiles', async () => {
    const splits = JSON.parse(readFileSync(join(dir, 'splits.json'), 'utf8'));
    expect(splits.stats).toMatchObject({ total_profiles: 4, train_profiles: 2, val_profiles: 1, test_profiles: 1 });
    const rows = await query(`select profile_id, min(split) a, max(split) b from ${tbl(dir, 'samples')} group by 1`);
    for (const r of rows) expect(r.a).toBe(r.b);
  });

  it('writes MIDI that matches the stroke labels (times within one tick, exact velocities)', async () => {
    const strokes = await query(
      `select s.sample_id, x.midi_path, x.tempo_bpm, s.actual_time_ms t, s.actual_velocity v from ${tbl(dir, 'strokes')} s join ${tbl(dir, 'samples')} x using (sample_id) order by s.sample_id, s.actual_time_ms, s."index"`,
    );
    const bySample = new Map<string, { path: string; bpm: number; notes: { t: number; v: number }[] }>();
    for (const r of strokes) {
      const e = bySample.get(r.sample_id as string) ?? { path: r.midi_path as string, bpm: r.tempo_bpm as number, notes: [] };
      e.notes.push({ t: r.t as number, v: r.v as number });
      bySample.set(r.sample_id as string, e);
    }
    expect(bySample.size).toBe(160);
    for (const [id, e] of bySample) {
      const notes = readMidiNotes(readFileSync(join(dir, e.path)));
      expect(notes.length, id).toBe(e.notes.length);
      const tickMs = 60000 / e.bpm / 480;
      for (let i = 0; i < notes.length; i++) {
        expect(Math.abs(notes[i]!.timeMs - e.notes[i]!.t), `${id} note ${i}`).toBeLessThanOrEqual(tickMs + 1e-6);
        expect(notes[i]!.velocity, `${id} note ${i}`).toBe(e.notes[i]!.v);
        expect(notes[i]!.channel).toBe(9);
        expect(notes[i]!.key).toBe(38);
      }
    }
  });

  it('is deterministic: the same seed gives byte-identical files', async () => {
    const again = join(tmp(), 'ds');
    expect((await cli(['generate', '--workers', '1', '--preset', 'tiny', '--out', again, '--quiet'])).code).toBe(0);
    const a = snapshot(dir);
    const b = snapshot(again);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
    const other = join(tmp(), 'ds');
    expect((await cli(['generate', '--workers', '1', '--preset', 'tiny', '--seed', '7', '--out', other, '--quiet'])).code).toBe(0);
    expect(snapshot(other).get('labels/strokes.parquet')!.equals(a.get('labels/strokes.parquet')!)).toBe(false);
  });

  it('does not change a sample when other rudiments are filtered out', async () => {
    const sub = join(tmp(), 'ds');
    const r = await cli(['generate', '--workers', '1', '--preset', 'tiny', '--rudiments', 'flam,single-paradiddle', '--out', sub, '--quiet']);
    expect(r.code).toBe(0);
    const a = snapshot(dir);
    const b = snapshot(sub);
    const midi = [...b.keys()].filter((k) => k.startsWith('midi/'));
    expect(midi.length).toBe(8);
    for (const k of midi) expect(b.get(k)!.equals(a.get(k)!), k).toBe(true);
    const full = await query(
      `select * exclude (split) from ${tbl(dir, 'exercises')} e join ${tbl(dir, 'samples')} s using (sample_id) where s.rudiment_slug in ('flam','single_paradiddle') order by sample_id`,
    );
    const part = await query(
      `select * exclude (split) from ${tbl(sub, 'exercises')} e join ${tbl(sub, 'samples')} s using (sample_id) order by sample_id`,
    );
    expect(part).toEqual(full);
  });

  it('refuses a non-empty output directory that is not the same configuration', async () => {
    const d = tmp();
    writeFileSync(join(d, 'precious.txt'), 'keep me');
    const r = await cli(['generate', '--workers', '1', '--preset', 'tiny', '--out', d, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to write into .*not a sousa-wasm dataset/);
    expect(readdirSync(d)).toEqual(['precious.txt']);
    const before = snapshot(dir);
    const r2 = await cli(['generate', '--workers', '1', '--preset', 'tiny', '--seed', '43', '--out', dir, '--quiet']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/another configuration \(seed: 42 → 43\)/);
    const after = snapshot(dir);
    for (const [k, v] of before) expect(after.get(k)!.equals(v), k).toBe(true);
    // the same configuration may be rerun in place and gives the same bytes
    expect((await cli(['generate', '--workers', '1', '--preset', 'tiny', '--out', dir, '--quiet'])).code).toBe(0);
    for (const [k, v] of snapshot(dir)) expect(v.equals(before.get(k)!), k).toBe(true);
  });

  it('rejects bad arguments with a clear message', async () => {
    const r = await cli(['generate', '--workers', '1', '--rudiments', 'flam,paradidle', '--out', join(tmp(), 'x')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/paradidle/);
    expect(r.stderr).toMatch(/single_paradiddle/);
    const p = await cli(['generate', '--preset', 'huge']);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/unknown preset "huge"; valid presets: tiny, small, medium, full/);
    const s = await cli(['generate', '--seed', 'abc']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--seed must be a non-negative integer, got "abc"/);
    const u = await cli(['frobnicate']);
    expect(u.code).toBe(2);
  });

  it('prints help for every command', async () => {
    for (const c of ['generate', 'rudiments', 'presets']) {
      const r = await cli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: sousa-wasm ${c}`));
    }
  });
});

