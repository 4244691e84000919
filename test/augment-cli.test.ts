/**
 * Augmentation through the CLI: --augmentations N gives N recordings per performance with
 * distinct presets, every applied parameter in samples.parquet; --ir-dir feeds user impulse
 * responses (recorded in aug_ir_name); bad preset names and bad IR files are refused up front.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFlac } from '../src/audio/flac.js';
import { main } from '../src/cli/main.js';
import { query, sqlPath } from './helpers/duckdb.js';

const base = mkdtempSync(join(tmpdir(), 'sousa-augcli-'));

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  const write = process.stderr.write.bind(process.stderr);
  console.log = () => undefined;
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.stderr.write = ((c: string) => (err.push(String(c)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), err: err.join('') };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}

const COMMON = ['generate', '--with-audio', '--workers', '1', '--profiles', '4', '--rudiments', 'flam,single_paradiddle', '--quiet'];
let irDir = '';
let out = '';
beforeAll(async () => {
  irDir = join(base, 'irs');
  mkdirSync(irDir);
  // a decaying noise burst as a "church" impulse response, written by sox
  execFileSync('sox', ['-n', '-r', '44100', '-b', '24', join(irDir, 'church_test.wav'), 'synth', '1.5', 'whitenoise', 'fade', 'q', '0', '1.5', '1.4', 'vol', '0.5']);
  out = join(base, 'ds');
  const r = await cli([...COMMON, '--augmentations', '2', '--augment-presets', 'clean_studio,gym,lo_fi', '--ir-dir', irDir, '--out', out]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
});

describe('generate --augmentations', () => {
  it('writes two recordings per performance with distinct presets and their parameters', async () => {
    const t = `read_parquet(${sqlPath(join(out, 'labels/samples.parquet'))})`;
    const [n] = await query(`select count(*) n, count(distinct augmentation_group_id) g from ${t}`);
    expect(n).toEqual({ n: 16, g: 8 });
    const groups = await query(`select augmentation_group_id, count(distinct augmentation_preset) p from ${t} group by 1`);
    for (const g of groups) expect(g.p).toBe(2);
    const rows = await query(`select * from ${t}`);
    for (const r of rows) {
      expect(['clean_studio', 'gym', 'lo_fi']).toContain(r.augmentation_preset);
      expect(String(r.sample_id).endsWith(`_${String(r.augmentation_preset).replace(/_/g, '')}`)).toBe(true);
      expect(r.aug_mic_type).not.toBeNull();
      expect(r.aug_compression_ratio).not.toBeNull();
      if (r.augmentation_preset === 'lo_fi') {
        expect(r.aug_bit_depth).toBe(12);
        expect(r.aug_noise_type).toBe('pink');
      }
      if (r.augmentation_preset === 'clean_studio') {
        expect(r.aug_noise_type).toBeNull();
        expect(r.aug_bit_depth).toBeNull();
      }
      if (r.aug_room_type !== null) expect(r.aug_ir_name).toBe('church_test.wav');
      expect(existsSync(join(out, String(r.audio_path)))).toBe(true);
    }
  });

  it('--channels 2 augments each channel of the recording (each peaks at -1 dBFS after the chain)', async () => {
    const dir = join(base, 'stereo');
    const r = await cli(['generate', '--with-audio', '--workers', '1', '--profiles', '1', '--rudiments', 'flam', '--channels', '2', '--augmentations', '1', '--augment-presets', 'gym', '--quiet', '--out', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = await query(`select audio_path, num_samples, aug_room_type from read_parquet(${sqlPath(join(dir, 'labels/samples.parquet'))})`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.aug_room_type).toBe('gym');
      const d = await decodeFlac(new Uint8Array(readFileSync(join(dir, String(row.audio_path)))));
      expect(d.channels.length).toBe(2);
      expect(d.frames).toBe(Number(row.num_samples));
      for (const ch of d.pcm) {
        let peak = 0;
        for (const v of ch) peak = Math.max(peak, Math.abs(v));
        // -1 dBFS in 24-bit steps, to the rounding of the quantiser
        expect(Math.abs(peak - 10 ** (-1 / 20) * (2 ** 23 - 1))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('refuses unknown presets listing the valid ones, and unreadable impulse responses naming the file', async () => {
    const a = await cli([...COMMON, '--augmentations', '1', '--augment-presets', 'gym,cathedral', '--out', join(base, 'bad1')]);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/unknown augmentation preset "cathedral"; valid presets: clean_studio, .*indoor_competition/);
    const bad = join(base, 'badirs');
    mkdirSync(bad);
    writeFileSync(join(bad, 'broken.wav'), 'this is not audio');
    const b = await cli([...COMMON, '--augmentations', '1', '--ir-dir', bad, '--out', join(base, 'bad2')]);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/broken\.wav/);
    const empty = join(base, 'emptyirs');
    mkdirSync(empty);
    const c = await cli([...COMMON, '--augmentations', '1', '--ir-dir', empty, '--out', join(base, 'bad3')]);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/holds no \.wav or \.flac file/);
    for (const d of ['bad1', 'bad2', 'bad3']) expect(existsSync(join(base, d))).toBe(false);
  });
});
