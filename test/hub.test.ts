/**
 * Hub publishing: staging (configs, shards, card, preview), upload against a local server that
 * speaks the Hub protocol (test/helpers/mock-hub.ts), resume after interruptions, bad input, and
 * the token never leaking.
 *
 * Fixture: the tiny preset (160 samples) plus a FLAC per sample that agrees with its labels
 * (noise bursts at the strokes), made with the project's FLAC encoder.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { HubError } from '../src/errors.js';
import { encodeFlac, readFlacStreamInfo } from '../src/audio/flac.js';
import { generateDataset } from '../src/dataset/generate.js';
import { resolveConfig } from '../src/dataset/plan.js';
import { ParquetStreamWriter } from '../src/dataset/parquet.js';
import { SAMPLE_COLUMNS } from '../src/dataset/schema.js';
import { NodeDatasetIO } from '../src/platform/node-io.js';
import { loadParquetWasm } from '../src/platform/parquet.js';
import { resolveHubToken, tokenFilePath } from '../src/platform/hub-token.js';
import { loadDatasetForPublish, readParquetTable, type DatasetSnapshot } from '../src/hub/dataset.js';
import { parseRepoId } from '../src/hub/repo-id.js';
import { parseRetryAfter, retryingFetch, type RetryEvent } from '../src/hub/retry.js';
import { planShards } from '../src/hub/shards.js';
import { selectPreview } from '../src/hub/preview.js';
import { configSpecs } from '../src/hub/configs.js';
import { sizeCategory } from '../src/hub/card.js';
import { stageDataset, STAGING_RECORD, type StagingResult } from '../src/hub/stage.js';
import { groupCommits, uploadStaging, type UploadEvent } from '../src/hub/upload.js';
import { cmdPublish, NodeHubFileIO, parseSize } from '../src/cli/commands/publish.js';
import { startMockHub, type MockHub } from './helpers/mock-hub.js';
import { query, sqlPath } from './helpers/duckdb.js';

const TOKEN = 'hf_mock_token_0123456789';
const ALICE = 'hf_alice_token_abcdefgh';
const READER = 'hf_reader_token_abcdefg';
const SR = 44100;
const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 100 };

let root: string;
let dsDir: string;
let stagingDir: string;
let staged: StagingResult;
let snapshot: DatasetSnapshot;
let hub: MockHub;

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * Tiny preset + one FLAC per sample, encoded by the project's own encoder: a decaying noise
 * burst at every stroke's actual_time_ms (amplitude from its velocity) over a -80 dBFS noise
 * floor, as long as duration_sec, so the audio agrees with the labels. samples.parquet is
 * rewritten to point at the files.
 */
async function buildFixture(dir: string): Promise<void> {
  const io = new NodeDatasetIO(dir);
  await generateDataset(resolveConfig({ preset: 'tiny' }), io);
  const pq = await loadParquetWasm();
  const rows = readParquetTable(pq, (await io.readFile('labels/samples.parquet'))!)
    .toArray()
    .map((row) => row.toJSON() as Record<string, string | number | null>);
  const strokes = readParquetTable(pq, (await io.readFile('labels/strokes.parquet'))!);
  const [sid, at, vel] = ['sample_id', 'actual_time_ms', 'actual_velocity'].map((c) => strokes.getChild(c)!);
  const onsets = new Map<string, [number, number][]>();
  for (let i = 0; i < strokes.numRows; i++) {
    const k = sid!.get(i) as string;
    onsets.set(k, [...(onsets.get(k) ?? []), [at!.get(i) as number, vel!.get(i) as number]]);
  }
  let state = 1;
  const noise = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
  const writer = new ParquetStreamWriter(pq, 'samples', SAMPLE_COLUMNS, await io.openSink('labels/samples.parquet'));
  for (const r of rows) {
    const n = Math.round(Number(r.duration_sec) * SR);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.0001 * noise();
    for (const [ms, v] of onsets.get(String(r.sample_id))!) {
      const start = Math.round((ms / 1000) * SR);
      for (let j = 0; j < 0.12 * SR && start + j < n; j++) x[start + j]! += 0.6 * (v / 127) * Math.exp(-j / (0.015 * SR)) * noise();
    }
    const audioPath = `audio/${r.rudiment_slug}/${r.sample_id}.flac`;
    await io.writeFile(audioPath, await encodeFlac([x], { bitsPerSample: 16 }));
    await writer.append({ ...r, audio_path: audioPath, soundfont: 'fixture_noise', num_samples: n, sample_rate: SR });
  }
  await writer.close();
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  index.config = { audio_format: 'flac', sample_rate: SR };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index, null, 2));
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  manifest.config.audio = { soundfonts: [{ name: 'fixture_noise', sha256: 'f'.repeat(64) }], augmentations: 0, augmentPresets: [], channels: 1 };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

/** Run the CLI in this process, capturing what it prints. */
async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const capture = (c: string | Uint8Array) => {
    chunks.push(typeof c === 'string' ? c : new TextDecoder().decode(c));
    return true;
  };
  const so = vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  const se = vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  const emptyHome = join(root, 'empty-hf-home');
  await mkdir(emptyHome, { recursive: true });
  const base = { HF_TOKEN: undefined, HUGGING_FACE_HUB_TOKEN: undefined, HF_ENDPOINT: undefined, HF_TOKEN_PATH: undefined, HF_HOME: emptyHome };
  for (const [k, v] of Object.entries({ ...base, ...env })) vi.stubEnv(k, v);
  try {
    const code = await cmdPublish(args);
    return { code, out: chunks.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
    vi.unstubAllEnvs();
  }
}

const upOpts = (repo: string) => ({ repo, accessToken: TOKEN, tokenSource: 'test', hubUrl: hub.url, retry: FAST_RETRY });
const lfsPaths = (r: StagingResult) => r.files.filter((f) => f.path.endsWith('.parquet')).map((f) => f.path);
const writeRequests = (h: MockHub, from = 0) =>
  h.requests.slice(from).filter((r) => r.method === 'PUT' || /preupload|\/commit\/|objects\/batch|repos\/create/.test(r.path));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sousa-hub-'));
  dsDir = join(root, 'ds');
  stagingDir = join(root, 'staging');
  await buildFixture(dsDir);
  snapshot = await loadDatasetForPublish(new NodeHubFileIO(dsDir), await loadParquetWasm());
  staged = await stageDataset(new NodeHubFileIO(dsDir), new NodeHubFileIO(stagingDir), {
    repoId: 'tester/sousa',
    maxShardBytes: 1_000_000,
  });
  hub = await startMockHub({
    tokens: {
      [TOKEN]: { user: 'tester', orgs: ['drumlab'] },
      [ALICE]: { user: 'alice' },
      [READER]: { user: 'tester', role: 'read' },
    },
    pageSize: 7,
  });
});

afterAll(async () => {
  await hub?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('inputs', () => {
  it('parses repo ids and rejects invalid ones with the expected form', () => {
    expect(parseRepoId('tester/sousa')).toEqual({ namespace: 'tester', name: 'sousa', full: 'tester/sousa' });
    expect(parseRepoId('datasets/drum-lab/sousa_v1.2').full).toBe('drum-lab/sousa_v1.2');
    for (const bad of ['sousa', 'a/b/c', 'bad--name/x', 'user/x..y', '-user/x', 'user/x.git', 'user/' + 'x'.repeat(97), 'us er/x']) {
      expect(() => parseRepoId(bad), bad).toThrow(/namespace\/name|must have exactly one|not valid|\.git/);
    }
    expect(() => parseRepoId('https://huggingface.co/datasets/me/sousa')).toThrow(/use "me\/sousa"/);
  });

  it('parses sizes and Retry-After', () => {
    expect(parseSize('500MB', 'x')).toBe(500_000_000);
    expect(parseSize('2GB', 'x')).toBe(2_000_000_000);
    expect(parseSize('256MiB', 'x')).toBe(268_435_456);
    expect(parseSize('1500', 'x')).toBe(1500);
    expect(() => parseSize('lots', '--max-shard-size')).toThrow(/--max-shard-size must be a size/);
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
    expect([999, 1000, 9_999, 10_000, 250_000, 5_000_000].map(sizeCategory)).toEqual([
      'n<1K',
      '1K<n<10K',
      '1K<n<10K',
      '10K<n<100K',
      '100K<n<1M',
      '1M<n<10M',
    ]);
  });

  it('resolves the token from --token, HF_TOKEN, then the token file, and never echoes it', async () => {
    const home = join(root, 'tok-home');
    await mkdir(join(home, 'hf'), { recursive: true });
    await writeFile(join(home, 'hf', 'token'), 'hf_from_file_12345678\n');
    const env = { HF_HOME: join(home, 'hf') };
    expect(await resolveHubToken({ flag: 'hf_flag_token_1234', env: { ...env, HF_TOKEN: 'hf_env_token_1234' }, homeDir: home })).toEqual({
      token: 'hf_flag_token_1234',
      source: '--token',
    });
    expect((await resolveHubToken({ env: { ...env, HF_TOKEN: 'hf_env_token_1234' }, homeDir: home })).source).toBe('HF_TOKEN');
    const fromFile = await resolveHubToken({ env, homeDir: home });
    expect(fromFile).toEqual({ token: 'hf_from_file_12345678', source: `token file ${join(home, 'hf', 'token')}` });
    expect(tokenFilePath({}, '/home/u')).toBe('/home/u/.cache/huggingface/token');
    expect(tokenFilePath({ HF_TOKEN_PATH: '/x/t' }, '/home/u')).toBe('/x/t');
    await expect(resolveHubToken({ env: {}, homeDir: join(home, 'none') })).rejects.toMatchObject({ code: 'HUB_TOKEN_MISSING' });
    for (const bad of ['abcdefghijk', 'hf_has space_1234', 'hf_x']) {
      const err = await resolveHubToken({ flag: bad, env: {}, homeDir: home }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HubError);
      expect((err as HubError).code).toBe('HUB_TOKEN_MALFORMED');
      expect((err as HubError).message).not.toContain(bad);
      expect((err as HubError).message).toMatch(/settings\/tokens/);
    }
  });

  it('retries 429 after Retry-After, 5xx and dropped connections, then gives up', async () => {
    const answers: (() => Response)[] = [
      () => new Response('slow down', { status: 429, headers: { 'Retry-After': '2' } }),
      () => new Response('oops', { status: 503 }),
      () => {
        throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      },
      () => new Response('ok', { status: 200 }),
    ];
    let calls = 0;
    const delays: number[] = [];
    const events: RetryEvent[] = [];
    const f = retryingFetch(
      (async () => answers[calls++]!()) as unknown as typeof fetch,
      { baseDelayMs: 100, sleep: async (ms) => void delays.push(ms), onRetry: (e) => events.push(e) },
    );
    const res = await f('https://hub.example/lfs/abc?X-Amz-Signature=secret', { method: 'PUT', body: 'x' });
    expect(res.status).toBe(200);
    expect(calls).toBe(4);
    expect(delays).toEqual([2000, 200, 400]); // Retry-After, then base * 2^attempt
    expect(events.map((e) => e.reason)).toEqual(['429', '503', 'connection failed: ECONNRESET']);
    expect(events.every((e) => e.request === 'PUT https://hub.example/lfs/abc')).toBe(true);

    let n = 0;
    const always500 = retryingFetch((async () => (n++, new Response('', { status: 500 }))) as unknown as typeof fetch, {
      maxRetries: 3,
      sleep: async () => undefined,
    });
    expect((await always500('https://hub.example/x')).status).toBe(500);
    expect(n).toBe(4);

    const longWait = retryingFetch(
      (async () => new Response('', { status: 429, headers: { 'Retry-After': '7200' } })) as unknown as typeof fetch,
      { sleep: async () => undefined },
    );
    await expect(longWait('https://hub.example/api/x')).rejects.toMatchObject({ code: 'HUB_RATE_LIMITED' });
    await expect(longWait('https://hub.example/api/x')).rejects.toThrow(/wait 7200 s.*rerun/);
  });

  it('plans shards under the size limit and commits in as few groups as the limits allow', () => {
    const shards = planShards('audio', 'train', [400_000, 300_000, 250_000, 900_000, 2_000_000, 10], 1_000_000);
    expect(shards.map((s) => s.rows)).toEqual([[0, 1], [2], [3], [4], [5]]);
    expect(shards.map((s) => s.path)).toEqual([0, 1, 2, 3, 4].map((i) => `audio/train-0000${i}-of-00005.parquet`));
    const f = (path: string, size: number) => ({ path, size, sha256: '' });
    const files = [f('a/1', 600), f('a/2', 600), f('a/3', 100), f('README.md', 5), f('a/4', 900)];
    expect(groupCommits(files, 1_000, 100).map((g) => g.map((x) => x.path))).toEqual([['a/1'], ['a/2', 'a/3'], ['a/4', 'README.md']]);
    expect(groupCommits(files, 1e12, 100)).toHaveLength(1);
    expect(groupCommits(files, 1e12, 2).map((g) => g.length)).toEqual([2, 2, 1]);
  });
});

describe('staging', () => {
  const count = (split: string) => snapshot.samples.filter((s) => s.split === split).length;

  it('builds audio (default), midi_only, labels_only and preview with every sample once per split', () => {
    expect(staged.configs.map((c) => [c.spec.name, c.isDefault])).toEqual([
      ['audio', true],
      ['midi_only', false],
      ['labels_only', false],
      ['preview', false],
    ]);
    expect(configSpecs({ ...snapshot, hasAudio: false }).map((c) => c.name)).toEqual(['midi_only', 'labels_only']);
    for (const c of staged.configs.filter((c) => c.spec.name !== 'preview')) {
      expect(c.splits.map((s) => [s.name, s.numExamples])).toEqual([
        ['train', count('train')],
        ['validation', count('validation')],
        ['test', count('test')],
      ]);
    }
    expect(count('train') + count('validation') + count('test')).toBe(160);
    expect(staged.configs.find((c) => c.spec.name === 'preview')!.splits).toMatchObject([{ name: 'preview', numExamples: 80 }]);
    expect(staged.files.at(-1)!.path).toBe('README.md');
  });

  it('keeps shards under --max-shard-size, named {split}-{i:05d}-of-{n:05d}', async () => {
    const byGroup = new Map<string, string[]>();
    for (const f of staged.files.filter((f) => /^(audio|midi_only|labels_only|preview)\//.test(f.path))) {
      expect(f.size).toBeLessThanOrEqual(1_000_000);
      expect((await stat(join(stagingDir, f.path))).size).toBe(f.size);
      const m = /^(\w+)\/(\w+)-(\d{5})-of-(\d{5})\.parquet$/.exec(f.path)!;
      expect(m, f.path).not.toBeNull();
      const key = `${m[1]}/${m[2]}`;
      byGroup.set(key, [...(byGroup.get(key) ?? []), f.path]);
    }
    for (const [key, paths] of byGroup) {
      const n = paths.length;
      expect(paths).toEqual(Array.from({ length: n }, (_, i) => `${key}-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.parquet`));
    }
    // 80 train clips of ~20 kB do not fit one 1 MB shard
    expect(byGroup.get('audio/train')!.length).toBeGreaterThanOrEqual(2);
    const rows = await query(`SELECT count(*) AS n, sum(octet_length(audio.bytes)) AS b FROM read_parquet(${sqlPath(join(stagingDir, 'audio/train-*.parquet'))})`);
    let flacBytes = 0;
    for (const s of snapshot.samples.filter((s) => s.split === 'train')) flacBytes += snapshot.mediaSizes.get(String(s.audio_path))!;
    expect(rows[0]).toEqual({ n: count('train'), b: flacBytes });
  });

  it('writes a card whose front matter and numbers come from the data', async () => {
    const text = await readFile(join(stagingDir, 'README.md'), 'utf8');
    const m = /^---\n([\s\S]*?)\n---\n/.exec(text)!;
    const meta = parseYaml(m[1]!) as Record<string, any>;
    expect(meta.license).toBe('mit');
    expect(meta.size_categories).toEqual(['n<1K']);
    expect(meta.task_categories).toContain('audio-classification');
    expect(meta.pretty_name).toMatch(/SOUSA/);
    expect(meta.configs[0]).toEqual({
      config_name: 'audio',
      default: true,
      data_files: [
        { split: 'train', path: 'audio/train-*' },
        { split: 'validation', path: 'audio/validation-*' },
        { split: 'test', path: 'audio/test-*' },
      ],
    });
    for (const info of meta.dataset_info) {
      const built = staged.configs.find((c) => c.spec.name === info.config_name)!;
      expect(info.splits.map((s: any) => s.num_examples)).toEqual(built.splits.map((s) => s.numExamples));
      expect(info.download_size).toBe(built.splits.flatMap((s) => s.files).reduce((n, f) => n + f.size, 0));
    }
    const audioInfo = meta.dataset_info.find((d: any) => d.config_name === 'audio');
    expect(audioInfo.features.at(-1)).toEqual({ name: 'audio', dtype: 'audio' });
    expect(audioInfo.features.at(-2)).toEqual({ name: 'midi', dtype: 'binary' });
    const [strokes] = await query(`SELECT count(*) AS n FROM read_parquet(${sqlPath(join(dsDir, 'labels/strokes.parquet'))})`);
    expect(text).toContain(`| strokes labelled | ${(strokes!.n as number).toLocaleString('en-US')} |`);
    expect(text).toContain('160 labelled performances of 40 of the 40 PAS');
    const [tempo] = await query(`SELECT min(tempo_bpm) AS lo, max(tempo_bpm) AS hi FROM read_parquet(${sqlPath(join(dsDir, 'labels/samples.parquet'))})`);
    expect(text).toContain(`| tempo range | ${tempo!.lo}-${tempo!.hi} BPM |`);
    expect(text).toContain(`| train | ${snapshot.splits.train_profile_ids.length} | ${count('train')} |`);
    expect(text).toContain('npx sousa-wasm generate --preset tiny --seed 42 --with-audio --augmentations 0\n');
    expect(text).toContain('| soundfonts (samples) | fixture_noise (160) |');
    expect(text).toContain('| referenced MIDI and audio files present | pass | 320 of 320 files |');
    expect(text).toMatch(/load_dataset\("tester\/sousa"\)/);
  });

  it('draws the preview stratified over rudiments and tiers, seeded', async () => {
    const seed = snapshot.manifest.config.seed;
    const picks = selectPreview(snapshot.samples, 2, seed);
    const rows = picks.map((i) => snapshot.samples[i]!);
    expect(rows).toHaveLength(80);
    expect(new Set(rows.slice(0, 40).map((r) => r.rudiment_slug)).size).toBe(40);
    const perRudiment = new Map<string, string[]>();
    for (const r of rows) perRudiment.set(String(r.rudiment_slug), [...(perRudiment.get(String(r.rudiment_slug)) ?? []), String(r.skill_tier)]);
    for (const tiers of perRudiment.values()) expect(new Set(tiers).size).toBe(2);
    const tierCounts: Record<string, number> = {};
    for (const r of rows) tierCounts[String(r.skill_tier)] = (tierCounts[String(r.skill_tier)] ?? 0) + 1;
    expect(tierCounts).toEqual({ beginner: 20, intermediate: 20, advanced: 20, professional: 20 });
    expect(selectPreview(snapshot.samples, 2, seed)).toEqual(picks);
    expect(selectPreview(snapshot.samples, 3, seed)).toHaveLength(120);
    // the preview file holds those rows, in that order, playable, with their original split
    const file = await query(
      `SELECT sample_id, split, audio.path AS p FROM read_parquet(${sqlPath(join(stagingDir, 'preview/preview-*.parquet'))})`,
    );
    expect(file.map((r) => r.sample_id)).toEqual(rows.map((r) => r.sample_id));
    expect(file.map((r) => r.split)).toEqual(rows.map((r) => r.split));
    expect(file.every((r) => r.p === `${String(r.sample_id)}.flac`)).toBe(true);
  });

  it('is deterministic, removes its own stale shards on restage, and refuses foreign folders', async () => {
    const again = join(root, 'staging-again');
    const second = await stageDataset(new NodeHubFileIO(dsDir), new NodeHubFileIO(again), { repoId: 'tester/sousa', maxShardBytes: 1_000_000 });
    expect(second.files).toEqual(staged.files);
    const old = second.files.filter((f) => /-of-(?!00001)/.test(f.path)).map((f) => f.path);
    expect(old.length).toBeGreaterThan(0);
    const third = await stageDataset(new NodeHubFileIO(dsDir), new NodeHubFileIO(again), { repoId: 'tester/sousa' });
    for (const p of old) expect(await exists(join(again, p)), p).toBe(false);
    for (const f of third.files) expect(await exists(join(again, f.path)), f.path).toBe(true);
    expect(third.files.filter((f) => f.path.startsWith('audio/')).map((f) => f.path)).toEqual([
      'audio/train-00000-of-00001.parquet',
      'audio/validation-00000-of-00001.parquet',
      'audio/test-00000-of-00001.parquet',
    ]);
    const record = JSON.parse(await readFile(join(again, STAGING_RECORD), 'utf8'));
    expect(record.files.map((f: { path: string }) => f.path)).toEqual(third.files.map((f) => f.path));
    await expect(stageDataset(new NodeHubFileIO(dsDir), new NodeHubFileIO(dsDir), { repoId: 'tester/sousa' })).rejects.toMatchObject({
      code: 'HUB_STAGING_NOT_EMPTY',
    });
  });
});

describe('upload to a local Hub', () => {
  it('a publish arrives complete: files, bytes, one commit, LFS for Parquet', async () => {
    const events: UploadEvent[] = [];
    const summary = await uploadStaging(staged.files, new NodeHubFileIO(stagingDir), upOpts('tester/sousa'), (e) => events.push(e));
    const repo = hub.repos.get('tester/sousa')!;
    expect([...repo.files.keys()].sort()).toEqual(['.gitattributes', ...staged.files.map((f) => f.path)].sort());
    for (const f of staged.files) {
      const stored = repo.files.get(f.path)!;
      expect(stored.bytes.length, f.path).toBe(f.size);
      expect(sha256(stored.bytes), f.path).toBe(f.sha256);
      expect(Boolean(stored.lfsOid), f.path).toBe(f.path.endsWith('.parquet'));
    }
    expect(hub.clientCommits('tester/sousa')).toHaveLength(1);
    expect(summary).toMatchObject({ url: `${hub.url}/datasets/tester/sousa`, commits: 1, skipped: [], removed: [] });
    expect(hub.requests.filter((r) => r.method === 'PUT')).toHaveLength(lfsPaths(staged).length);
    expect(events.map((e) => e.type).filter((t) => t !== 'progress')).toEqual(['auth', 'repo', 'plan', 'commit-start', 'commit-done', 'verified']);
    const last = events.filter((e) => e.type === 'progress').at(-1) as Extract<UploadEvent, { type: 'progress' }>;
    expect(last.bytesTotal).toBe(staged.files.reduce((n, f) => n + f.size, 0));
  });

  it('the uploaded audio Parquet reads back in DuckDB: FLAC bytes that decode, huggingface metadata declaring Audio', async () => {
    const path = staged.files.find((f) => f.path.startsWith('audio/train-00000'))!.path;
    const local = join(root, 'downloaded.parquet');
    await writeFile(local, hub.repos.get('tester/sousa')!.files.get(path)!.bytes);
    const rows = await query(`SELECT sample_id, num_samples, audio.path AS p, audio.bytes AS b, midi FROM read_parquet(${sqlPath(local)})`);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const decoder = new FLACDecoder();
    await decoder.ready;
    try {
      for (const r of rows) {
        const bytes = new Uint8Array(r.b as Uint8Array);
        const sample = snapshot.samples.find((s) => s.sample_id === r.sample_id)!;
        const src = new Uint8Array(await readFile(join(dsDir, String(sample.audio_path))));
        expect(r.p).toBe(`${String(r.sample_id)}.flac`);
        expect(Buffer.compare(Buffer.from(bytes), Buffer.from(src))).toBe(0);
        // the reference decoder accepts the bytes (frame CRCs and the STREAMINFO MD5)
        const flacFile = join(root, 'roundtrip.flac');
        await writeFile(flacFile, bytes);
        execFileSync('flac', ['-t', '-s', flacFile]);
        const info = readFlacStreamInfo(bytes);
        expect(info.sampleRateHz).toBe(SR);
        expect(info.totalSamples).toBe(Number(r.num_samples));
        expect(Number(r.num_samples)).toBe(Math.round(Number(sample.duration_sec) * SR));
        // the wasm decoder gives the reference decoder's PCM (within the float scaling's 1 LSB)
        const pcm = await decoder.decodeFile(bytes);
        await decoder.reset();
        expect(pcm.sampleRate).toBe(SR);
        expect(pcm.errors).toEqual([]);
        const raw = new Uint8Array(execFileSync('flac', ['-d', '-c', '-s', '--force-raw-format', '--endian=little', '--sign=signed', flacFile], { maxBuffer: 1 << 26 }));
        const width = info.bitsPerSample / 8;
        expect(raw.length / width).toBe(info.totalSamples);
        expect(pcm.samplesDecoded).toBe(info.totalSamples);
        const x = pcm.channelData[0]!;
        let maxDiff = 0;
        for (let i = 0; i < info.totalSamples; i++) {
          let v = 0;
          for (let b = 0; b < width; b++) v |= raw[i * width + b]! << (8 * b);
          v = (v << (32 - info.bitsPerSample)) >> (32 - info.bitsPerSample);
          maxDiff = Math.max(maxDiff, Math.abs(Math.round(x[i]! * 2 ** (info.bitsPerSample - 1)) - v));
        }
        expect(maxDiff).toBeLessThanOrEqual(1);
        expect([...(r.midi as Uint8Array).subarray(0, 4)]).toEqual([0x4d, 0x54, 0x68, 0x64]); // "MThd"
      }
    } finally {
      decoder.free();
    }
    const kv = await query(`SELECT decode(value) AS v FROM parquet_kv_metadata(${sqlPath(local)}) WHERE decode(key) = 'huggingface'`);
    const features = JSON.parse(String(kv[0]!.v)).info.features;
    expect(features.audio).toEqual({ sampling_rate: SR, _type: 'Audio' });
    expect(features.midi).toEqual({ dtype: 'binary', _type: 'Value' });
    expect(features.tempo_bpm).toEqual({ dtype: 'int32', _type: 'Value' });
    const cols = await query(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(${sqlPath(local)}))`);
    expect(Object.keys(features)).toEqual(cols.map((c) => c.column_name));
    expect(Object.keys(features)).not.toContain('audio_path');
  });

  it('a rerun with nothing changed sends nothing and makes no commit', async () => {
    const from = hub.requests.length;
    const summary = await uploadStaging(staged.files, new NodeHubFileIO(stagingDir), upOpts('tester/sousa'));
    expect(summary.commits).toBe(0);
    expect(summary.skipped).toHaveLength(staged.files.length);
    expect(writeRequests(hub, from).map((r) => r.path)).toEqual(['/api/repos/create']); // answered 409: exists
    expect(hub.clientCommits('tester/sousa')).toHaveLength(1);
  });

  it('an upload interrupted by the server completes on rerun without re-sending finished files', async () => {
    const repo = 'tester/sousa-resume';
    hub.fail({ method: 'PUT', path: '/lfs-upload/', after: 3, times: Infinity, action: { kind: 'status', status: 500 } });
    const err = await uploadStaging(staged.files, new NodeHubFileIO(stagingDir), { ...upOpts(repo), retry: { ...FAST_RETRY, maxRetries: 2 } }).catch(
      (e: unknown) => e,
    );
    hub.clearFailures();
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('HUB_REQUEST_FAILED');
    expect((err as HubError).message).toMatch(/failed with HTTP 500: injected 500\. URL: http:\/\/127\.0\.0\.1:\d+\/lfs-upload\/tester\/sousa-resume\/[0-9a-f]{64}; rerun the same command/);
    expect((err as HubError).message).not.toContain('presigned-secret');
    expect(hub.clientCommits(repo)).toHaveLength(0);
    const sentBefore = new Map(hub.repos.get(repo)!.puts);
    expect(sentBefore.size).toBe(3);

    // rerun through transient failures: a dropped connection, a 429 with Retry-After, a 500
    hub.fail({ method: 'POST', path: '/preupload/', action: { kind: 'drop' } });
    hub.fail({ method: 'POST', path: '/objects/batch', action: { kind: 'status', status: 429, retryAfter: '1' } });
    hub.fail({ method: 'PUT', path: '/lfs-upload/', action: { kind: 'status', status: 500 } });
    hub.fail({ method: 'POST', path: '/commit/', action: { kind: 'drop' } });
    const from = hub.requests.length;
    const events: UploadEvent[] = [];
    const summary = await uploadStaging(staged.files, new NodeHubFileIO(stagingDir), upOpts(repo), (e) => events.push(e));
    hub.clearFailures();
    expect(summary.commits).toBe(1);
    expect(hub.clientCommits(repo)).toHaveLength(1);
    expect(sha256(hub.repos.get(repo)!.files.get('README.md')!.bytes)).toBe(staged.files.at(-1)!.sha256);
    // the objects the first run finished were not sent again
    for (const [oid, n] of sentBefore) expect(hub.repos.get(repo)!.puts.get(oid)).toBe(n);
    const putsRun2 = hub.requests.slice(from).filter((r) => r.method === 'PUT' && r.status === 200);
    expect(putsRun2).toHaveLength(lfsPaths(staged).length - sentBefore.size);
    const reasons = events.flatMap((e) => (e.type === 'retry' ? [e.retry.reason] : []));
    expect(reasons.filter((r) => r.startsWith('connection failed'))).toHaveLength(2);
    expect(reasons).toContain('429');
    expect(reasons).toContain('500');
    // Retry-After honoured: the next batch request came at least 1 s after the 429
    const batch = hub.requests.slice(from).filter((r) => r.path.endsWith('/objects/batch'));
    expect(batch[0]!.status).toBe(429);
    expect(batch[1]!.atMs - batch[0]!.atMs).toBeGreaterThanOrEqual(990);
    // pre-signed storage URLs never reach the events
    expect(JSON.stringify(events)).not.toContain('presigned-secret');
  });

  it('splits big uploads over few commits; a failed later commit resumes without redoing the first', async () => {
    const repo = 'tester/sousa-commits';
    const maxCommitBytes = 1_500_000;
    const groups = groupCommits(staged.files, maxCommitBytes, 1_000);
    expect(groups.length).toBeGreaterThanOrEqual(3);
    hub.fail({ method: 'POST', path: '/commit/', after: 1, times: Infinity, action: { kind: 'status', status: 503 } });
    const err = await uploadStaging(staged.files, new NodeHubFileIO(stagingDir), {
      ...upOpts(repo),
      maxCommitBytes,
      retry: { ...FAST_RETRY, maxRetries: 1 },
    }).catch((e: unknown) => e);
    hub.clearFailures();
    expect((err as HubError).code).toBe('HUB_REQUEST_FAILED');
    expect(hub.clientCommits(repo)).toHaveLength(1);
    const committed = hub.clientCommits(repo)[0]!.added;
    expect(committed).toEqual(groups[0]!.map((f) => f.path));
    // the second commit's objects reached storage before its commit failed
    const stored = new Set(hub.repos.get(repo)!.puts.keys());
    const secondGroupLfs = groups[1]!.filter((f) => f.path.endsWith('.parquet'));
    for (const f of secondGroupLfs) expect(stored.has(f.sha256), f.path).toBe(true);
    const summary = await uploadStaging(staged.files, new NodeHubFileIO(stagingDir), { ...upOpts(repo), maxCommitBytes });
    expect(summary.skipped).toEqual(committed);
    expect(hub.clientCommits(repo)).toHaveLength(1 + summary.commits);
    expect(hub.clientCommits(repo).at(-1)!.added.at(-1)).toBe('README.md');
    // over both runs every LFS object went to storage exactly once
    const puts = hub.repos.get(repo)!.puts;
    expect(puts.size).toBe(new Set(staged.files.filter((f) => f.path.endsWith('.parquet')).map((f) => f.sha256)).size);
    expect([...puts.values()].every((n) => n === 1)).toBe(true);
    expect([...hub.repos.get(repo)!.files.keys()].sort()).toEqual(['.gitattributes', ...staged.files.map((f) => f.path)].sort());
  });

  it('removes stale shards of an earlier layout in the last commit', async () => {
    const restaged = await stageDataset(new NodeHubFileIO(dsDir), new NodeHubFileIO(join(root, 'staging-big')), { repoId: 'tester/sousa' });
    const summary = await uploadStaging(restaged.files, new NodeHubFileIO(join(root, 'staging-big')), upOpts('tester/sousa'));
    const remote = [...hub.repos.get('tester/sousa')!.files.keys()].sort();
    expect(remote).toEqual(['.gitattributes', ...restaged.files.map((f) => f.path)].sort());
    expect(summary.removed).toEqual(
      staged.files.map((f) => f.path).filter((p) => !restaged.files.some((f) => f.path === p)).sort(),
    );
    expect(summary.removed.length).toBeGreaterThan(0);
    expect(hub.clientCommits('tester/sousa').at(-1)!.deleted).toEqual(summary.removed);
  });
});

describe('bad input is refused before anything is uploaded', () => {
  // --skip-validate where validation is not the subject: it decodes every FLAC (seconds per run);
  // the refusal of a dataset that fails it has its own test
  const hubArgs = () => ['--hub-url', hub.url, '--staging', join(root, 'cli-staging'), '--skip-validate'];

  it('a directory that is not a dataset, and one that fails the checks', async () => {
    const empty = join(root, 'not-a-dataset');
    await mkdir(empty, { recursive: true });
    let from = hub.requests.length;
    let r = await runCli(['tester/x', '--dir', empty, ...hubArgs()], { HF_TOKEN: TOKEN });
    expect(r.code).toBe(1);
    expect(r.out).toContain('[HUB_NOT_A_DATASET]');
    expect(r.out).toContain('expected manifest.json');
    expect(hub.requests.length).toBe(from);

    const broken = join(root, 'broken');
    await mkdir(broken);
    for (const f of await walk(dsDir)) {
      if (f.includes('.hub-staging')) continue;
      const dest = join(broken, f.slice(dsDir.length + 1));
      await mkdir(join(dest, '..'), { recursive: true });
      await copyFile(f, dest);
    }
    const victim = String(snapshot.samples[7]!.midi_path);
    await rm(join(broken, victim));
    const manifest = JSON.parse(await readFile(join(broken, 'manifest.json'), 'utf8'));
    await writeFile(join(broken, 'manifest.json'), JSON.stringify({ ...manifest, status: 'in_progress' }));
    from = hub.requests.length;
    r = await runCli(['tester/x', '--dir', broken, ...hubArgs()], { HF_TOKEN: TOKEN });
    expect(r.code).toBe(1);
    expect(r.out).toContain('[HUB_DATASET_INVALID]');
    expect(r.out).toContain('fails 2 check(s)');
    expect(r.out).toContain(victim);
    expect(r.out).toContain('status "in_progress", expected "complete"');
    expect(hub.requests.length).toBe(from);
  });

  it('a dataset that fails sousa-wasm validate (a MIDI file that is not its labels)', async () => {
    // symbolic, so validate has no FLAC to decode and the test stays short
    const bad = join(root, 'bad-midi');
    await generateDataset(resolveConfig({ preset: 'tiny' }), new NodeDatasetIO(bad));
    // another sample's MIDI: present and well-formed, so the basic checks pass
    const [a, b] = [snapshot.samples[3]!, snapshot.samples[50]!];
    await copyFile(join(dsDir, String(b.midi_path)), join(bad, String(a.midi_path)));
    const from = hub.requests.length;
    const r = await runCli(['tester/x', '--dir', bad, '--hub-url', hub.url, '--staging', join(root, 'bad-midi-staging')], { HF_TOKEN: TOKEN });
    expect(r.code).toBe(1);
    expect(r.out).toContain('[HUB_VALIDATE_FAILED]');
    expect(r.out).toMatch(/- midi_labels: .*/);
    expect(r.out).toContain('nothing was uploaded');
    expect(writeRequests(hub, from)).toEqual([]);
    expect(await exists(join(root, 'bad-midi-staging'))).toBe(false);
  });

  it('an invalid repo id, a missing or malformed token', async () => {
    const from = hub.requests.length;
    let r = await runCli(['bad--name/x', '--dir', dsDir, ...hubArgs()], { HF_TOKEN: TOKEN });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/namespace "bad--name" is not valid; give it as namespace\/name/);
    r = await runCli(['justaname', '--dir', dsDir, ...hubArgs()], { HF_TOKEN: TOKEN });
    expect(r.code).toBe(2);
    expect(r.out).toContain('must have exactly one "/"');
    r = await runCli(['tester/x', '--dir', dsDir, ...hubArgs()]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('[HUB_TOKEN_MISSING]');
    expect(r.out).toMatch(/--token.*HF_TOKEN.*huggingface-cli login/);
    r = await runCli(['tester/x', '--dir', dsDir, ...hubArgs()], { HF_TOKEN: 'secretvalue-without-prefix' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('[HUB_TOKEN_MALFORMED]');
    expect(r.out).toContain('from HF_TOKEN');
    expect(r.out).not.toContain('secretvalue');
    r = await runCli(['tester/x', '--dir', dsDir, '--hub-url', 'ftp://x', '--staging', join(root, 'cli-staging')], { HF_TOKEN: TOKEN });
    expect(r.code).toBe(2);
    expect(r.out).toContain('--hub-url must be an http(s) URL');
    expect(hub.requests.length).toBe(from);
  });

  it('a 401 or 403 from the Hub: a message with the fix, nothing created or sent', async () => {
    let from = hub.requests.length;
    let r = await runCli(['tester/x', '--dir', dsDir, ...hubArgs()], { HF_TOKEN: 'hf_unknown_token_12345' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('[HUB_UNAUTHORIZED]');
    expect(r.out).toContain('rejected the token from HF_TOKEN (401 Unauthorized)');
    expect(r.out).toContain(`${hub.url}/settings/tokens`);
    expect(writeRequests(hub, from)).toEqual([]);

    from = hub.requests.length;
    r = await runCli(['bob/x', '--dir', dsDir, ...hubArgs()], { HF_TOKEN: ALICE });
    expect(r.code).toBe(1);
    expect(r.out).toContain('[HUB_FORBIDDEN]');
    expect(r.out).toContain('belongs to "alice", which cannot write to namespace "bob"');
    r = await runCli(['tester/x', '--dir', dsDir, ...hubArgs()], { HF_TOKEN: READER });
    expect(r.out).toContain('is read-only');
    expect(writeRequests(hub, from)).toEqual([]);

    // a 403 the token check cannot foresee (e.g. an org policy) is mapped the same way
    hub.fail({ method: 'POST', path: '/api/repos/create', action: { kind: 'status', status: 403, error: 'org policy forbids it' } });
    from = hub.requests.length;
    r = await runCli(['drumlab/x', '--dir', dsDir, ...hubArgs(), '--quiet'], { HF_TOKEN: TOKEN });
    hub.clearFailures();
    expect(r.code).toBe(1);
    expect(r.out).toContain('[HUB_FORBIDDEN]');
    expect(r.out).toContain('may not write to drumlab/x (403 Forbidden: org policy forbids it');
    expect(writeRequests(hub, from).map((q) => q.path)).toEqual(['/api/repos/create']);
  });

  it('--dry-run builds the staging folder, lists it, and touches no network', async () => {
    const from = hub.requests.length;
    const dry = join(root, 'dry');
    const r = await runCli(['tester/sousa', '--dir', dsDir, '--staging', dry, '--dry-run', '--skip-validate', '--hub-url', hub.url]);
    expect(r.code).toBe(0);
    expect(hub.requests.length).toBe(from);
    const listed = [...r.out.matchAll(/^ {2}(\S+\.(?:parquet|md)) /gm)].map((m) => m[1]);
    const onDisk = (await walk(dry)).map((p) => p.slice(dry.length + 1)).filter((p) => p !== STAGING_RECORD);
    expect(listed.sort()).toEqual(onDisk.sort());
    expect(r.out).toContain('config audio (default): train 80 rows');
  });
});

describe('the token never appears in any output or file', () => {
  it('holds for a publish with retries (CLI in a subprocess), a rejected token and a dry run', async () => {
    const cli = join(process.cwd(), 'src/cli/commands/publish.ts');
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', `import { cmdPublish } from ${JSON.stringify(cli)}; process.exitCode = await cmdPublish(JSON.parse(process.env.PUBLISH_ARGS));`],
          { env: { ...process.env, HF_TOKEN: '', HF_HOME: join(root, 'empty-hf-home'), ...env, PUBLISH_ARGS: JSON.stringify(args) } },
        );
        let out = '';
        child.stdout.on('data', (c) => (out += c));
        child.stderr.on('data', (c) => (out += c));
        child.on('close', (code) => resolve({ code, out }));
      });
    const staging = join(root, 'secret-staging');
    const from = hub.requests.length;
    hub.fail({ method: 'POST', path: '/objects/batch', action: { kind: 'status', status: 503 } });
    const ok = await run(['tester/secret', '--dir', dsDir, '--staging', staging, '--hub-url', hub.url, '--skip-validate'], { HF_TOKEN: TOKEN });
    hub.clearFailures();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain(`published ${hub.url}/datasets/tester/secret`);
    expect(ok.out).toContain('retry 1 in');
    const bad = await runCli(['tester/secret', '--dir', dsDir, '--staging', staging, '--token', 'hf_wrong_token_987654', '--hub-url', hub.url, '--skip-validate']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('rejected the token from --token (401');
    const dry = await runCli(['tester/secret', '--dir', dsDir, '--staging', staging, '--dry-run', '--skip-validate'], { HF_TOKEN: TOKEN });
    expect(dry.code).toBe(0);
    for (const out of [ok.out, bad.out, dry.out]) {
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain('hf_wrong_token_987654');
      expect(out).not.toContain('presigned-secret');
    }
    for (const f of [...(await walk(dsDir)), ...(await walk(staging))]) {
      const bytes = await readFile(f);
      expect(bytes.includes(TOKEN), f).toBe(false);
    }
    // on the wire: only in the Authorization header of Hub API requests, never to storage
    const seen = hub.requests.slice(from);
    expect(seen.some((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    for (const r of seen) {
      expect(r.url).not.toContain(TOKEN);
      if (r.path.startsWith('/lfs-upload/')) expect(r.authorization).toBeNull();
    }
  });
});
