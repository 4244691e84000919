/**
 * `validate` and `stats`: a clean tiny dataset passes; each deliberately damaged copy fails with
 * the damaged thing named; the statistics (F distribution, ANOVA, χ², incomplete beta/gamma)
 * match scipy; the onset detector finds known onsets and agrees with FluidSynth renders; FLAC
 * checks agree with the `flac` CLI; the HTML report is one self-contained file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateDataset } from '../src/dataset/generate.js';
import { resolveConfig } from '../src/dataset/plan.js';
import { ParquetStreamWriter } from '../src/dataset/parquet.js';
import { TABLES, type TableName } from '../src/dataset/schema.js';
import { NodeDatasetIO } from '../src/platform/node-io.js';
import { NodeDatasetReader } from '../src/platform/node-reader.js';
import { loadParquetWasm } from '../src/platform/parquet.js';
import { rngFor } from '../src/random/index.js';
import { cmdStats, cmdValidate, validateAfterGenerate } from '../src/cli/commands/validate.js';
import { main } from '../src/cli/main.js';
import {
  chiSquareSurvival,
  detectEnergyOnsets,
  fCdf,
  fSurvival,
  lnGamma,
  matchLabelOnsets,
  Md5,
  MemoryDatasetReader,
  oneWayAnova,
  parseStreamInfo,
  regularizedGammaQ,
  regularizedIncompleteBeta,
  renderHtmlReport,
  validateDataset,
  type CheckResult,
  type ValidationReport,
} from '../src/validate/index.js';
import type { SampleInfo } from '../src/validate/labels.js';
import {
  correlationCheck,
  tierAnovaCheck,
  tierOrderingCheck,
  timingSdCheck,
  velocityCvCheck,
} from '../src/validate/statistics.js';
import { DEFAULT_VALIDATE_OPTIONS } from '../src/validate/types.js';
import { Histogram, pearson } from '../src/validate/stats.js';

// ---------- helpers ----------

const made: string[] = [];
function tmp(prefix = 'sousa-val-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

async function capture(fn: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await fn();
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

interface Run {
  code: number;
  stdout: string;
  report: ValidationReport;
  check: (id: string) => CheckResult;
  failed: string[];
}

/** `sousa-wasm validate DIR --json …` through the CLI entry point. */
async function validateCli(dir: string, ...extra: string[]): Promise<Run> {
  const json = join(tmp(), 'report.json');
  const r = await capture(() => cmdValidate([dir, '--json', json, ...extra]));
  const report = JSON.parse(readFileSync(json, 'utf8')) as ValidationReport;
  const check = (id: string) => {
    const c = report.checks.find((x) => x.id === id);
    if (!c) throw new Error(`no check ${id}`);
    return c;
  };
  return { code: r.code, stdout: r.stdout, report, check, failed: report.checks.filter((c) => c.status === 'fail').map((c) => c.id) };
}

function copyOf(dir: string): string {
  const d = join(tmp(), 'ds');
  cpSync(dir, d, { recursive: true });
  return d;
}

type Row = Record<string, unknown>;

async function readRows(dir: string, table: TableName): Promise<Row[]> {
  const pq = await loadParquetWasm();
  const t = arrow.tableFromIPC(pq.readParquet(readFileSync(join(dir, 'labels', `${table}.parquet`))).intoIPCStream());
  return t.toArray().map((r) => ({ ...(r.toJSON() as Row) }));
}

/** Rewrite a label table with the project's own writer. */
async function writeRows(dir: string, table: TableName, rows: Row[]): Promise<void> {
  const pq = await loadParquetWasm();
  const io = new NodeDatasetIO(dir);
  const w = new ParquetStreamWriter(pq, table, TABLES[table], await io.openSink(`labels/${table}.parquet`));
  for (const r of rows) await w.append(r as never);
  await w.close();
}

function wav16(samples: Float32Array, rateHz: number): Buffer {
  const b = Buffer.alloc(44 + samples.length * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + samples.length * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rateHz, 24);
  b.writeUInt32LE(rateHz * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767))), 44 + 2 * i);
  return b;
}

/** Decaying noise bursts exactly at the given onsets (ms), amplitude by velocity: audio whose truth is known. */
function burstAudio(onsets: readonly { ms: number; velocity: number }[], lengthSamples: number, seed: string, shiftMs = 0): Float32Array {
  const rng = rngFor(7, seed);
  const x = new Float32Array(lengthSamples);
  for (const o of onsets) {
    const start = Math.round(((o.ms + shiftMs) * 44100) / 1000);
    const amp = 0.5 * (o.velocity / 127) ** 1.5;
    for (let i = 0; i < 44100 * 0.25 && start + i < lengthSamples; i++) {
      if (start + i >= 0) x[start + i]! += amp * Math.exp(-i / (0.03 * 44100)) * (2 * rng.float() - 1);
    }
  }
  return x;
}

/** Give `count` samples FLAC audio made of bursts at their label onsets (shifted by `shiftMs`). */
async function addBurstAudio(dir: string, count: number, shiftMs = 0): Promise<string[]> {
  const samples = await readRows(dir, 'samples');
  const strokes = await readRows(dir, 'strokes');
  const chosen = samples.filter((_, i) => i % Math.floor(samples.length / count) === 0).slice(0, count);
  const paths: string[] = [];
  for (const s of chosen) {
    const id = s.sample_id as string;
    const slug = s.rudiment_slug as string;
    const onsets = strokes.filter((r) => r.sample_id === id).map((r) => ({ ms: r.actual_time_ms as number, velocity: r.actual_velocity as number }));
    const n = Math.round((s.duration_sec as number) * 44100);
    mkdirSync(join(dir, 'audio', slug), { recursive: true });
    const wav = join(dir, 'audio', slug, `${id}.wav`);
    writeFileSync(wav, wav16(burstAudio(onsets, n, id, shiftMs), 44100));
    const rel = `audio/${slug}/${id}.flac`;
    execFileSync('flac', ['-s', '-f', '-o', join(dir, rel), wav]);
    rmSync(wav);
    s.audio_path = rel;
    s.soundfont = 'bursts';
    paths.push(rel);
  }
  await writeRows(dir, 'samples', samples);
  return paths;
}

// ---------- the clean dataset ----------

let clean = '';
let cleanRun: Run;

beforeAll(async () => {
  clean = join(tmp(), 'tiny');
  await generateDataset(resolveConfig({ preset: 'tiny' }), new NodeDatasetIO(clean));
  cleanRun = await validateCli(clean);
});

describe('validate: clean tiny dataset', () => {
  it('passes (exit 0) with every structural check passing and counts matching the files', async () => {
    const r = cleanRun;
    expect(r.failed).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.report.passed).toBe(true);
    expect(r.stdout).toMatch(/^PASSED: \d+ passed, 0 warning\(s\), 0 failed/m);
    const strokes = (await readRows(clean, 'strokes')).length;
    expect(r.report.figures.samples).toBe(160);
    expect(r.report.figures.strokes).toBe(strokes);
    expect(r.report.figures.measures).toBe(640);
    for (const id of ['parquet_integrity', 'metadata_files', 'unique_ids', 'table_references', 'score_ranges', 'stroke_counts', 'measure_counts', 'stroke_indices', 'stroke_values', 'measure_structure', 'sticking', 'midi_labels', 'files_exist', 'splits']) {
      expect(r.check(id).status, id).toBe('pass');
    }
    // Every sample, every note, every cycle: not a sample of them (SOUSA checked 50 files and the first cycle).
    expect(r.check('midi_labels').numbers).toMatchObject({ filesCompared: 160, notesCompared: strokes, mismatched: 0, missing: 0 });
    // One tick at the fastest tiny tempo is < 1.6 ms; the writer rounds to the nearest tick.
    expect(r.check('midi_labels').numbers.maxTimeDiffMs!).toBeLessThan(1.6);
    expect(r.check('sticking').numbers.cycles).toBe(640);
    expect(r.check('stroke_values').numbers.checked).toBe(strokes);
    expect(r.check('score_ranges').numbers.checked).toBe(160);
    expect(r.check('score_ranges').numbers['timing_accuracy.max']!).toBeLessThanOrEqual(100);
    expect(r.check('score_ranges').numbers['flam_quality.nulls']!).toBeGreaterThan(0);
    expect(r.check('splits').numbers).toMatchObject({ 'profiles.train': 2, 'profiles.validation': 1, 'profiles.test': 1, 'samples.train': 80 });
    expect(r.check('rudiment_balance').numbers).toMatchObject({ groups: 40, min: 4, max: 4 });
    expect(r.check('metadata_files').numbers).toEqual({ samples: 160, planned: 160 });
  });

  it('skips statistical checks it cannot decide on tiny, saying why', () => {
    for (const id of ['tier_ordering', 'tier_anova', 'timing_sd_realism', 'velocity_cv_realism', 'tempo_drift_realism', 'score_correlations']) {
      const c = cleanRun.check(id);
      expect(c.status, id).toBe('skip');
      expect(c.message).toMatch(/50\+ samples.*beginner \(40 samples\)/);
    }
    for (const id of ['flac_integrity', 'audio_levels', 'onset_alignment']) expect(cleanRun.check(id).message).toMatch(/no audio/);
  });

  it('gives the same verdicts through the in-memory reader (the core needs no file system)', async () => {
    const files = new Map<string, Uint8Array>();
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else files.set(relative(clean, p).split('\\').join('/'), new Uint8Array(readFileSync(p)));
      }
    };
    walk(clean);
    const mem = await validateDataset(new MemoryDatasetReader(files));
    const disk = await validateDataset(new NodeDatasetReader(clean));
    const strip = (r: ValidationReport) => r.checks.map((c) => [c.id, c.status, c.message, c.numbers]);
    expect(strip(mem)).toEqual(strip(disk));
    expect(strip(disk)).toEqual(strip(cleanRun.report));
  });
});

// ---------- damaged copies ----------

describe('validate: damaged datasets fail with the damage named', () => {
  it('a deleted MIDI file', async () => {
    const d = copyOf(clean);
    const victim = 'midi/flam_tap/' + readdirSync(join(d, 'midi/flam_tap'))[0]!;
    rmSync(join(d, victim));
    const r = await validateCli(d);
    expect(r.code).toBe(1);
    expect(r.failed).toEqual(expect.arrayContaining(['files_exist', 'midi_labels']));
    expect(r.check('files_exist').message).toContain(`${victim} does not exist`);
    expect(r.check('files_exist').numbers.missing).toBe(1);
    expect(r.stdout).toMatch(/failed checks: .*files_exist/);
  });

  it('a truncated Parquet file (no crash; the file is named; dependent checks skip)', async () => {
    const d = copyOf(clean);
    const p = join(d, 'labels/strokes.parquet');
    const bytes = readFileSync(p);
    writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await validateCli(d);
    expect(r.code).toBe(1);
    expect(r.failed).toContain('parquet_integrity');
    expect(r.check('parquet_integrity').message).toMatch(/labels\/strokes\.parquet: unreadable/);
    for (const id of ['stroke_values', 'sticking', 'midi_labels']) expect(r.check(id).status).toBe('skip');

    const d2 = copyOf(clean);
    const p2 = join(d2, 'labels/samples.parquet');
    writeFileSync(p2, readFileSync(p2).subarray(0, 100));
    const r2 = await validateCli(d2);
    expect(r2.code).toBe(1);
    expect(r2.check('parquet_integrity').message).toMatch(/labels\/samples\.parquet: unreadable/);
    expect(r2.check('sticking').status).toBe('skip');
    expect(r2.check('sticking').message).toMatch(/samples\.parquet is not usable/);
  });

  it('a stroke row removed', async () => {
    const d = copyOf(clean);
    const rows = await readRows(d, 'strokes');
    const victim = rows[1000]!;
    await writeRows(d, 'strokes', rows.filter((r) => r !== victim));
    const r = await validateCli(d);
    expect(r.code).toBe(1);
    expect(r.failed).toEqual(expect.arrayContaining(['stroke_counts', 'stroke_indices', 'midi_labels']));
    const id = victim.sample_id as string;
    expect(r.check('stroke_counts').details).toEqual([expect.stringContaining(id)]);
    expect(r.check('stroke_counts').numbers.problems).toBe(1);
    expect(r.check('midi_labels').message).toContain(id);
  });

  it('a score out of range, a NaN score, and a null where a value is due', async () => {
    const d = copyOf(clean);
    const rows = await readRows(d, 'exercises');
    rows[3]!.timing_accuracy = 100.5;
    rows[7]!.groove_feel_proxy = 1.2;
    rows[9]!.hand_balance = Number.NaN;
    const flam = rows.find((r) => (r.sample_id as string).includes('_flam_accent_'))!;
    flam.flam_quality = null;
    // The writer refuses NaN (as it should); write the NaN through a float column by hand.
    const pq = await loadParquetWasm();
    const cols: Record<string, arrow.Vector> = {};
    for (const c of TABLES.exercises) {
      cols[c.name] = c.type === 'utf8' ? arrow.vectorFromArray(rows.map((r) => r[c.name] as string), new arrow.Utf8()) : arrow.vectorFromArray(rows.map((r) => r[c.name] as number | null), new arrow.Float64());
    }
    const bytes = pq.writeParquet(pq.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table(cols), 'stream')));
    writeFileSync(join(d, 'labels/exercises.parquet'), bytes);
    const r = await validateCli(d);
    expect(r.code).toBe(1);
    expect(r.failed).toEqual(['score_ranges']);
    const c = r.check('score_ranges');
    expect(c.numbers.problems).toBe(4);
    expect(c.details.join('\n')).toContain(`${rows[3]!.sample_id}: timing_accuracy = 100.5, expected 0..100`);
    expect(c.details.join('\n')).toContain(`${rows[7]!.sample_id}: groove_feel_proxy = 1.2, expected 0..1`);
    expect(c.details.join('\n')).toContain(`${rows[9]!.sample_id}: hand_balance = NaN`);
    expect(c.details.join('\n')).toContain(`${flam.sample_id}: flam_quality is null`);
  });

  it('a cycle played with a wrong hand', async () => {
    const d = copyOf(clean);
    const rows = await readRows(d, 'strokes');
    const id = rows.find((r) => (r.sample_id as string).includes('_single_paradiddle_'))!.sample_id as string;
    const target = rows.find((r) => r.sample_id === id && r.cycle_index === 2 && !r.is_grace_note && !r.is_buzz_bounce)!;
    target.hand = target.hand === 'R' ? 'L' : 'R';
    await writeRows(d, 'strokes', rows);
    const r = await validateCli(d);
    expect(r.code).toBe(1);
    expect(r.failed).toEqual(['sticking']);
    expect(r.check('sticking').numbers.problems).toBe(1);
    expect(r.check('sticking').message).toMatch(new RegExp(`${id}: cycle 2 sticking [RL]{4}, expected [RL]{4}`));
  });

  it('a MIDI velocity changed by one', async () => {
    const d = copyOf(clean);
    const victim = 'midi/drag/' + readdirSync(join(d, 'midi/drag'))[0]!;
    const bytes = readFileSync(join(d, victim));
    const at = bytes.findIndex((b, i) => b === 0x99 && bytes[i + 1] === 38 && bytes[i + 2]! > 0);
    expect(at).toBeGreaterThan(0);
    bytes[at + 2] = bytes[at + 2]! < 127 ? bytes[at + 2]! + 1 : 126;
    writeFileSync(join(d, victim), bytes);
    const r = await validateCli(d);
    expect(r.code).toBe(1);
    expect(r.failed).toEqual(['midi_labels']);
    expect(r.check('midi_labels').numbers.mismatched).toBe(1);
    expect(r.check('midi_labels').message).toMatch(new RegExp(`${victim}: note 0 velocity \\d+, stroke \\d+ actual_velocity \\d+`));
  });

  it('a sample missing from every table and file (an incomplete run)', async () => {
    const d = copyOf(clean);
    const samples = await readRows(d, 'samples');
    const gone = samples[samples.length - 1]!;
    for (const t of ['samples', 'exercises', 'measures', 'strokes'] as const) {
      await writeRows(d, t, (await readRows(d, t)).filter((r) => r.sample_id !== gone.sample_id));
    }
    rmSync(join(d, gone.midi_path as string));
    const index = JSON.parse(readFileSync(join(d, 'index.json'), 'utf8'));
    index.num_samples = 159;
    index.sample_ids = index.sample_ids.filter((x: string) => x !== gone.sample_id);
    writeFileSync(join(d, 'index.json'), JSON.stringify(index));
    const r = await validateCli(d);
    expect(r.code).toBe(1);
    expect(r.failed).toEqual(['metadata_files']);
    expect(r.check('metadata_files').message).toContain("the manifest's configuration plans 160 samples, samples.parquet has 159");
  });

  it('a sample whose profile sits in two splits, and an index.json that disagrees', async () => {
    const d = copyOf(clean);
    const samples = await readRows(d, 'samples');
    samples[5]!.split = samples[5]!.split === 'train' ? 'test' : 'train';
    await writeRows(d, 'samples', samples);
    const index = JSON.parse(readFileSync(join(d, 'index.json'), 'utf8'));
    index.num_samples = 159;
    writeFileSync(join(d, 'index.json'), JSON.stringify(index));
    const r = await validateCli(d);
    expect(r.failed).toEqual(['metadata_files', 'splits']);
    expect(r.check('splits').details.join('\n')).toContain(`profile ${samples[5]!.profile_id} has samples in`);
    expect(r.check('metadata_files').message).toMatch(/num_samples 159, samples\.parquet has 160 rows/);
  });
});

// ---------- audio ----------

describe('validate: audio', () => {
  let audio = '';
  let files: string[] = [];
  beforeAll(async () => {
    audio = copyOf(clean);
    files = await addBurstAudio(audio, 6);
  });

  it('passes FLAC integrity, levels and onset alignment on audio whose onsets are the labels', async () => {
    const r = await validateCli(audio);
    expect(r.failed).toEqual([]);
    expect(r.check('flac_integrity').numbers).toMatchObject({ checked: 6, damaged: 0, total: 6 });
    expect(r.check('audio_levels').status).toBe('pass');
    const a = r.check('onset_alignment');
    expect(a.status).toBe('pass');
    expect(a.numbers.files).toBe(6);
    expect(a.numbers.matchRate!).toBeGreaterThanOrEqual(0.95);
    expect(Math.abs(a.numbers.medianOffsetMs!)).toBeLessThan(0.5);
    expect(a.numbers.p95AbsOffsetMs!).toBeLessThan(1.5);
    // Louder velocity, louder burst: the correlation the audio check measures.
    expect(a.numbers.velocityPeakRMean!).toBeGreaterThan(0.8);
    expect(r.check('soundfont_balance').message).toMatch(/one soundfont: bursts \(6 samples\)/);
  });

  it('fails onset alignment when the audio is 8 ms late, and reports the lag', async () => {
    const d = copyOf(clean);
    await addBurstAudio(d, 6, 8);
    const r = await validateCli(d);
    expect(r.failed).toEqual(['onset_alignment']);
    const a = r.check('onset_alignment');
    expect(a.numbers.medianOffsetMs!).toBeGreaterThan(7.5);
    expect(a.numbers.medianOffsetMs!).toBeLessThan(8.5);
    expect(a.message).toMatch(/constant lag/);
  });

  it('fails on a deleted, a truncated and a corrupted FLAC file, naming each', async () => {
    const d = copyOf(audio);
    rmSync(join(d, files[0]!));
    const t = readFileSync(join(d, files[1]!));
    writeFileSync(join(d, files[1]!), t.subarray(0, Math.floor(t.length * 0.6)));
    const c = readFileSync(join(d, files[2]!));
    for (let i = 0; i < 64; i++) c[Math.floor(c.length / 2) + i] = c[Math.floor(c.length / 2) + i]! ^ 0x5a;
    writeFileSync(join(d, files[2]!), c);
    // The flac CLI agrees that the last two are damaged.
    for (const f of [files[1]!, files[2]!]) expect(() => execFileSync('flac', ['-t', '-s', join(d, f)], { stdio: 'pipe' })).toThrow();
    const r = await validateCli(d);
    expect(r.code).toBe(1);
    expect(r.failed).toEqual(expect.arrayContaining(['files_exist', 'flac_integrity']));
    expect(r.check('files_exist').message).toContain(`${files[0]} does not exist`);
    const fi = r.check('flac_integrity');
    expect(fi.numbers).toMatchObject({ checked: 5, damaged: 2 });
    expect(fi.details.join('\n')).toMatch(new RegExp(`${files[1]}: .*(truncated|samples)`));
    expect(fi.details.join('\n')).toContain(files[2]!);
  });

  it('parses STREAMINFO like metaflac and hashes PCM like FLAC (sox-generated file)', async () => {
    const d = tmp();
    execFileSync('sox', ['-n', '-r', '22050', '-b', '24', '-c', '2', join(d, 't.wav'), 'synth', '0.37', 'sine', '440', 'sine', '660']);
    execFileSync('flac', ['-s', '-f', '-o', join(d, 't.flac'), join(d, 't.wav')]);
    const info = parseStreamInfo(new Uint8Array(readFileSync(join(d, 't.flac'))));
    if (typeof info === 'string') throw new Error(info);
    const meta = (flag: string) => execFileSync('metaflac', [flag, join(d, 't.flac')], { encoding: 'utf8' }).trim();
    expect(info.sampleRateHz).toBe(Number(meta('--show-sample-rate')));
    expect(info.channels).toBe(Number(meta('--show-channels')));
    expect(info.bitsPerSample).toBe(Number(meta('--show-bps')));
    expect(info.totalSamples).toBe(Number(meta('--show-total-samples')));
    expect(info.md5).toBe(meta('--show-md5sum'));
    expect([info.sampleRateHz, info.channels, info.bitsPerSample]).toEqual([22050, 2, 24]);
    expect(Math.abs(info.totalSamples - 0.37 * 22050)).toBeLessThanOrEqual(1);
    expect(parseStreamInfo(new Uint8Array(8))).toMatch(/too short/);
    for (let len = 0; len < 200; len += 13) {
      const data = Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 255);
      expect(new Md5().update(data.subarray(0, len >> 1)).update(data.subarray(len >> 1)).hex()).toBe(createHash('md5').update(data).digest('hex'));
    }
  });
});

describe('validate: audio rendered by the generator (built-in kits, FluidSynth WASM)', () => {
  it('passes FLAC integrity and finds the label onsets in the audio within 5 ms', async () => {
    const d = join(tmp(), 'audio');
    const g = await capture(() =>
      main(['generate', '--preset', 'tiny', '--rudiments', 'flam_tap,drag,single_paradiddle', '--with-audio', '--out', d, '--quiet', '--workers', '1', '--skip-validation']),
    );
    expect(g.code, g.stderr).toBe(0);
    const r = await validateCli(d);
    expect(r.failed).toEqual([]);
    expect(r.check('flac_integrity').numbers).toMatchObject({ checked: 12, damaged: 0, total: 12 });
    const a = r.check('onset_alignment').numbers;
    expect(a.files).toBe(12);
    expect(a.labelOnsets!).toBeGreaterThan(100);
    expect(a.matchRate!).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(a.medianOffsetMs!)).toBeLessThan(2);
    expect(a.velocityPeakRMean!).toBeGreaterThan(0.7);
  });
});

describe('onset detector', () => {
  it('finds bursts at known times within 1 ms, including soft strokes on a loud tail', () => {
    const truth = [
      { ms: 100, velocity: 120 },
      { ms: 300, velocity: 40 },
      { ms: 345, velocity: 60 },
      { ms: 500, velocity: 127 },
      { ms: 560, velocity: 50 }, // 6 dB above the tail of the 127 at 500 ms (at 540 ms it would equal the tail)
      { ms: 800, velocity: 20 },
    ];
    const x = burstAudio(truth, 44100, 'detector');
    const found = detectEnergyOnsets(x, 44100);
    expect(found.length).toBe(truth.length);
    found.forEach((t, i) => expect(Math.abs(t - truth[i]!.ms), `onset ${i}`).toBeLessThan(1));
    const m = matchLabelOnsets(truth.map((t) => t.ms + 3), found, 2);
    expect(m.matched).toBe(0);
    expect(m.offsetsMs.map((o) => Math.round(o))).toEqual([-3, -3, -3, -3, -3, -3]);
  });

  it('measures FluidSynth’s render of a dataset MIDI file at the GM snare sample’s own latency', async () => {
    // Render with native FluidSynth (reverb and chorus off); the FluidR3 GM snare sample starts
    // ~4.9 ms after its note-on, so labels and audio differ by that constant: the detector must
    // see it, and see the same lag the raw samples show on the first (isolated) stroke.
    const samples = await readRows(clean, 'samples');
    const strokes = await readRows(clean, 'strokes');
    const s = samples.find((x) => (x.sample_id as string).includes('_single_paradiddle_'))!;
    const wav = join(tmp(), 'r.wav');
    execFileSync('fluidsynth', ['-ni', '-q', '-F', wav, '-r', '44100', '-R', '0', '-C', '0', '-g', '0.8', '/usr/share/sounds/sf2/FluidR3_GM.sf2', join(clean, s.midi_path as string)]);
    const w = readFileSync(wav);
    const pcm = new Int16Array(w.buffer, w.byteOffset + 44, (w.length - 44) / 2);
    const mono = new Float32Array(pcm.length / 2);
    for (let i = 0; i < mono.length; i++) mono[i] = (pcm[2 * i]! + pcm[2 * i + 1]!) / 65536;
    const labels = strokes.filter((r) => r.sample_id === s.sample_id).map((r) => r.actual_time_ms as number).sort((a, b) => a - b);
    const firstAudible = mono.findIndex((v) => Math.abs(v) > 0.002) / 44.1;
    const lag = firstAudible - labels[0]!;
    expect(lag).toBeGreaterThan(3);
    expect(lag).toBeLessThan(7);
    const found = detectEnergyOnsets(mono, 44100);
    const isolated = labels.filter((t, i) => i === 0 || t - labels[i - 1]! >= 30);
    const m = matchLabelOnsets(isolated.map((t) => t + lag), found, 2.5);
    expect(m.matched / m.checked).toBeGreaterThanOrEqual(0.9);
    const sorted = [...m.offsetsMs].sort((a, b) => a - b);
    expect(Math.abs(sorted[Math.floor(sorted.length / 2)]!)).toBeLessThan(1);
  });
});

// ---------- statistics ----------

describe('statistics against scipy', () => {
  it('ln Γ, regularized incomplete beta and gamma', () => {
    expect(lnGamma(0.5)).toBeCloseTo(0.5723649429247, 12);
    expect(lnGamma(100.5)).toBeCloseTo(361.43554046777757, 9);
    expect(lnGamma(3)).toBeCloseTo(0.6931471805599453, 13);
    expect(regularizedIncompleteBeta(0.4, 2, 3)).toBeCloseTo(0.5248, 12);
    expect(regularizedIncompleteBeta(0.1, 0.5, 0.5)).toBeCloseTo(0.2048327646991335, 12);
    expect(regularizedIncompleteBeta(0.3, 10, 20)).toBeCloseTo(0.3640040810719437, 12);
    expect(regularizedIncompleteBeta(0.45, 50, 60)).toBeCloseTo(0.4642352914306064, 11);
    expect(regularizedGammaQ(3, 2.5)).toBeCloseTo(0.5438131158833297, 12);
    expect(regularizedGammaQ(0.5, 0.1)).toBeCloseTo(0.6547208460185768, 12);
    expect(regularizedGammaQ(10, 30) / 7.121750862815593e-6).toBeCloseTo(1, 9);
    expect(chiSquareSurvival(12.3, 4)).toBeCloseTo(0.015254394655769615, 12);
  });

  it('F distribution CDF and upper tail', () => {
    expect(fCdf(1, 5, 10)).toBeCloseTo(0.5348805734622, 12);
    expect(fSurvival(3, 3, 20)).toBeCloseTo(0.054858618668295125, 12);
    expect(fSurvival(2.5, 1, 1)).toBeCloseTo(0.3590170359713762, 12);
    expect(fCdf(0.2, 2, 7)).toBeCloseTo(0.17674927662322268, 12);
    expect(fSurvival(7.5, 3, 10000) / 5.19280465217427e-5).toBeCloseTo(1, 8);
    expect(fCdf(0, 3, 4)).toBe(0);
    expect(fCdf(3, 3, 20) + fSurvival(3, 3, 20)).toBeCloseTo(1, 14);
  });

  it('one-way ANOVA (scipy.stats.f_oneway documentation example)', () => {
    const a = oneWayAnova([
      [0.0571, 0.0813, 0.0831, 0.0976, 0.0817, 0.0859, 0.0735, 0.0659, 0.0923, 0.0836],
      [0.0873, 0.0662, 0.0672, 0.0819, 0.0749, 0.0649, 0.0835, 0.0725],
      [0.0974, 0.1352, 0.0817, 0.1016, 0.0968, 0.1064, 0.105],
      [0.1033, 0.0915, 0.0781, 0.0685, 0.0677, 0.0697, 0.0764, 0.0689],
      [0.0703, 0.1026, 0.0956, 0.0973, 0.1039, 0.1045],
    ]);
    expect(a.f).toBeCloseTo(7.121019471642447, 10);
    expect(a.p).toBeCloseTo(0.0002812242314534544, 14);
    expect([a.dfBetween, a.dfWithin]).toEqual([4, 34]);
  });

  it('histogram quantiles stay within a bin of the exact ones', () => {
    const h = new Histogram(-100, 2, 100);
    const xs = Array.from({ length: 5000 }, (_, i) => 40 * Math.sin(i * 1.7) + (i % 13));
    for (const x of xs) h.add(x);
    const sorted = [...xs].sort((a, b) => a - b);
    for (const q of [0.25, 0.5, 0.75]) expect(Math.abs(h.quantile(q) - sorted[Math.floor(q * (xs.length - 1))]!)).toBeLessThan(2);
    expect(h.box().min).toBe(sorted[0]);
    expect(h.box().max).toBe(sorted[sorted.length - 1]);
  });
});

/** Synthetic per-sample records: `tiers` maps tier → mean overall score; scores spread by `sd`. */
function synthetic(tiers: Record<string, number>, perTier: number, sd: number): SampleInfo[] {
  const rng = rngFor(1, 'synthetic');
  const out: SampleInfo[] = [];
  for (const [tier, m] of Object.entries(tiers)) {
    for (let i = 0; i < perTier; i++) {
      const ta = m + rng.normal(0, sd);
      const scores = new Float64Array(15).fill(50);
      scores[0] = ta; // timing_accuracy
      scores[1] = ta + rng.normal(0, sd / 3); // timing_consistency
      scores[4] = 50 + rng.normal(0, 5); // velocity_control
      scores[5] = scores[4]! + rng.normal(0, 5); // accent_differentiation
      scores[7] = ta + rng.normal(0, sd / 2); // hand_balance
      scores[13] = ta + rng.normal(0, sd / 4); // overall_score
      out.push({
        ordinal: out.length,
        id: `${tier}${i}`,
        profileId: `${tier}-${i % 3}`,
        slug: 'flam',
        tier,
        tempoBpm: 100,
        numCycles: 4,
        leadHand: 'R',
        numStrokes: 10,
        numMeasures: 4,
        midiPath: null,
        audioPath: null,
        split: 'train',
        soundfont: null,
        preset: 'none',
        durationSec: 3,
        audioFrames: Number.NaN,
        audioRateHz: Number.NaN,
        scores,
        scoreNulls: new Uint8Array(15),
        exerciseRows: 1,
        measureRows: 4,
        strokeRows: 10,
        measures: [],
        strokesSeen: true,
        timingResidualSumSq: 100 * ({ beginner: 50, intermediate: 30, advanced: 15, professional: 8 }[tier] ?? 1) ** 2,
        timingResidualCount: 100,
        velocityCv: { beginner: 0.25, intermediate: 0.18, advanced: 0.12, professional: 0.08 }[tier] ?? 1,
        driftPct: 1,
      });
    }
  }
  return out;
}

describe('statistical checks (synthetic tables)', () => {
  const opts = { ...DEFAULT_VALIDATE_OPTIONS };
  it('pass on ordered, separated, realistic tiers', () => {
    const s = synthetic({ beginner: 30, intermediate: 45, advanced: 60, professional: 75 }, 60, 8);
    expect(tierOrderingCheck(s, opts).status).toBe('pass');
    const a = tierAnovaCheck(s, opts);
    expect(a.status).toBe('pass');
    const groups = ['beginner', 'intermediate', 'advanced', 'professional'].map((t) => s.filter((x) => x.tier === t).map((x) => x.scores![0]!));
    expect(a.numbers['timing_accuracy.F']).toBeCloseTo(oneWayAnova(groups).f, 10);
    expect(a.numbers['timing_accuracy.dfWithin']).toBe(236);
    const sd = timingSdCheck(s, opts);
    expect(sd.status).toBe('pass');
    expect(sd.numbers['professional.value']).toBeCloseTo(8, 10);
    expect(velocityCvCheck(s, opts).numbers['beginner.value']).toBeCloseTo(0.25, 12);
    const c = correlationCheck(s, opts);
    expect(c.status).toBe('pass');
    const ta = s.map((x) => x.scores![0]!);
    const tc = s.map((x) => x.scores![1]!);
    expect(c.numbers['timing_accuracy~timing_consistency.r']).toBeCloseTo(pearson(ta, tc), 12);
  });

  it('fail on out-of-order or unseparated tiers; warn (or fail when strict) outside literature ranges', () => {
    const swapped = synthetic({ beginner: 30, intermediate: 60, advanced: 45, professional: 75 }, 60, 8);
    const o = tierOrderingCheck(swapped, opts);
    expect(o.status).toBe('fail');
    expect(o.message).toMatch(/timing_accuracy: advanced mean 4\d\.\d+ < intermediate mean 6\d\.\d+/);
    const flat = synthetic({ beginner: 50, intermediate: 50, advanced: 50, professional: 50 }, 60, 8);
    const a = tierAnovaCheck(flat, opts);
    expect(a.status).toBe('fail');
    expect(a.numbers['overall_score.p']!).toBeGreaterThan(0.05);
    const s = synthetic({ beginner: 30, intermediate: 45, advanced: 60, professional: 75 }, 60, 8);
    for (const x of s) if (x.tier === 'professional') x.timingResidualSumSq = 100 * 30 ** 2;
    expect(timingSdCheck(s, opts).status).toBe('warn');
    expect(timingSdCheck(s, { ...opts, strict: true }).status).toBe('fail');
    expect(timingSdCheck(s, opts).message).toMatch(/professional 30 ms \(expected 5–15\)/);
  });

  it('skip per-tier statistics below the sample threshold and say which tiers lack data', () => {
    const s = synthetic({ beginner: 30, intermediate: 45, advanced: 60, professional: 75 }, 60, 8).filter((x) => x.tier !== 'professional' || x.ordinal % 2 === 0);
    const o = tierOrderingCheck(s, opts);
    expect(o.status).toBe('pass');
    expect(o.message).toMatch(/not enough data: professional \(30 samples\)/);
    expect(tierOrderingCheck(s.filter((x) => x.tier === 'beginner'), opts).status).toBe('skip');
  });
});

// ---------- report formats and the stats command ----------

describe('reports', () => {
  it('HTML report is one self-contained file with the plots', async () => {
    const d = join(tmp(), 'r.html');
    const r = await capture(() => cmdValidate([clean, '--html', d, '--quiet']));
    expect(r.code).toBe(0);
    const html = readFileSync(d, 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // 15 score box plots + timing box + timing density + tempo histogram + tempo bands + 5 count charts.
    expect(html.match(/<svg /g)!.length).toBe(15 + 2 + 2 + 5);
    for (const title of ['timing_accuracy', 'overall_score', 'tier_confidence', 'timing error distribution', 'tempo histogram', 'samples per rudiment', 'samples per augmentation preset']) {
      expect(html).toContain(`>${title}</text>`);
    }
    expect(html).toContain('aria-label="box plot: timing_accuracy"');
    expect((html.match(/<rect [^>]*><title>single_stroke_roll: 4<\/title>/g) ?? []).length).toBe(1);
    expect(renderHtmlReport(cleanRun.report, { datasetPath: '<x>&', generatedAt: 't' })).toContain('&lt;x&gt;&amp;');
  });

  it('stats prints the overview as text, JSON and Markdown', async () => {
    const j = await capture(() => cmdStats([clean, '--json']));
    expect(j.code).toBe(0);
    const o = JSON.parse(j.stdout);
    const strokes = (await readRows(clean, 'strokes')).length;
    expect(o).toMatchObject({ samples: 160, strokes, measures: 640, profiles: 4, rudiments: 40, status: 'complete', plannedSamples: 160 });
    expect(o.tiers.professional).toEqual({ profiles: 1, samples: 40 });
    expect(o.splits).toEqual({ train: { profiles: 2, samples: 80 }, validation: { profiles: 1, samples: 40 }, test: { profiles: 1, samples: 40 } });
    expect(o.completeness).toEqual({ midiReferenced: 160, midiPresent: 160, audioReferenced: 0, audioPresent: 0, exerciseRows: 160 });
    const exercises = await readRows(clean, 'exercises');
    const samples = await readRows(clean, 'samples');
    const pro = new Set(samples.filter((s) => s.skill_tier === 'professional').map((s) => s.sample_id));
    const proTa = exercises.filter((e) => pro.has(e.sample_id)).map((e) => e.timing_accuracy as number);
    expect(o.scoreMeansPerTier.timing_accuracy.professional).toBeCloseTo(proTa.reduce((a, b) => a + b, 0) / proTa.length, 10);
    const m = await capture(() => cmdStats([clean, '--markdown']));
    expect(m.stdout).toContain('| professional | 1 | 40 |');
    expect(m.stdout).toContain('| single_paradiddle | 4 |');
    const t = await capture(() => cmdStats([clean]));
    expect(t.stdout).toMatch(/^samples 160 \(planned 160\), strokes \d+, measures 640, profiles 4, rudiments 40, status complete/);
  });

  it('usage errors exit 2, --help exits 0', async () => {
    expect((await capture(() => cmdValidate([]))).code).toBe(2);
    expect((await capture(() => cmdValidate([join(tmp(), 'nope')]))).stderr).toMatch(/no dataset at .*nope: the directory does not exist/);
    expect((await capture(() => cmdValidate([clean, '--bogus']))).code).toBe(2);
    expect((await capture(() => cmdValidate([clean, '--onset-files', 'x']))).code).toBe(2);
    expect((await capture(() => cmdStats([clean, '--json', '--markdown']))).code).toBe(2);
    const h = await capture(() => cmdValidate(['--help']));
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^Usage: sousa-wasm validate DIR/);
    expect((await capture(() => cmdStats(['--help']))).stdout).toMatch(/^Usage: sousa-wasm stats DIR/);
    const after = await capture(() => validateAfterGenerate(clean, true));
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^PASSED: \d+ passed, 0 warning\(s\), 0 failed, \d+ skipped/);
    expect(after.stdout.split('\n')).toHaveLength(1);
  });
});

// ---------- the small preset: the statistical checks on real data ----------

describe('validate: small preset (1,200 samples)', () => {
  it('runs every statistical check and the tiers are ordered and separated', async () => {
    const d = join(tmp(), 'small');
    await generateDataset(resolveConfig({ preset: 'small' }), new NodeDatasetIO(d));
    const r = await validateCli(d);
    expect(r.failed).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.check('tier_ordering').status).toBe('pass');
    const a = r.check('tier_anova');
    expect(a.status).toBe('pass');
    expect(a.numbers['overall_score.dfWithin']).toBe(1196);
    expect(a.numbers['overall_score.F']!).toBeGreaterThan(100);
    for (const id of ['timing_sd_realism', 'velocity_cv_realism', 'tempo_drift_realism', 'score_correlations']) {
      expect(['pass', 'warn'], id).toContain(r.check(id).status);
    }
    // Timing SD: professional < advanced < intermediate < beginner, all within SOUSA's literature ranges.
    const sd = r.check('timing_sd_realism').numbers;
    expect(sd['professional.value']!).toBeLessThan(sd['advanced.value']!);
    expect(sd['advanced.value']!).toBeLessThan(sd['intermediate.value']!);
    expect(sd['intermediate.value']!).toBeLessThan(sd['beginner.value']!);
    expect(r.check('timing_sd_realism').status).toBe('pass');
    expect(r.check('tempo_balance').numbers.groups).toBe(3);
  });
});
