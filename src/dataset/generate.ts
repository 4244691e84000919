/**
 * The generator: plan → chunks → (media files + Parquet parts) → merged label tables.
 *
 * Work is cut into chunks of `config.chunkPerformances` performances. A chunk is a pure function
 * of (configuration, chunk index), written as media files and four Parquet parts under `parts/`
 * (the samples part last: its presence marks the chunk complete). When every chunk is present
 * the parts are merged, in chunk order, into `labels/*.parquet`. The same code path serves a
 * plain run, a resumed run (`resume`: complete chunks are skipped), a shard (`shard`: chunks
 * i, i+n, i+2n… and no merge) and a merge of shards, so all of them give the same bytes.
 *
 * A long job is an async generator of progress events ({@link generateDatasetIter}); the
 * promise wrapper {@link generateDataset} drains it. Files go through a {@link DatasetIO} from the
 * platform layer, so this module runs unchanged in Node, Deno and browsers.
 */
import { ConfigError, DatasetError } from '../errors.js';
import { generateProfiles } from '../profiles/index.js';
import type { PlayerProfile } from '../profiles/types.js';
import { loadParquetWasm } from '../platform/parquet.js';
import { ParquetStreamWriter, type ByteSink } from './parquet.js';
import { TABLES, TABLE_NAMES } from './schema.js';
import { makeSplits, type Splits } from './splits.js';
import { countChunks, countSamples, type DatasetConfig } from './plan.js';
import { computeChunk, partPath, SampleEngine, type ChunkResult, type EngineOptions } from './engine.js';
import { VERSION } from '../version.js';

/** File access for a dataset root; paths are relative, `/`-separated. */
export interface DatasetIO {
  /** Write a whole file atomically (temporary name, then rename). */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** A streaming sink whose file appears under `path` only when it is closed. */
  openSink(path: string): Promise<ByteSink>;
  /** A file's bytes, or null if it does not exist. */
  readFile(path: string): Promise<Uint8Array | null>;
  /** Names in the dataset root (empty if it does not exist). */
  listRoot(): Promise<string[]>;
  /** Names in a directory (empty if it does not exist). */
  list(dir: string): Promise<string[]>;
  /** Delete a file or a directory tree; missing is fine. */
  remove(path: string): Promise<void>;
}

export type GenerateEvent =
  | { type: 'plan'; totalSamples: number; totalChunks: number; chunksToDo: number; config: DatasetConfig }
  | { type: 'chunk'; chunk: number; done: number; total: number; samplesDone: number; samplesTotal: number }
  | { type: 'finalize'; step: string };

export interface GenerateSummary {
  /** Samples written by this run (a resumed run counts only what it did). */
  samples: number;
  /** Samples in the finished dataset (or this shard). */
  totalSamples: number;
  strokes: number;
  measures: number;
  profiles: number;
  splits: { train: number; validation: number; test: number };
  chunksDone: number;
  chunksSkipped: number;
  merged: boolean;
  elapsedMs: number;
  samplesPerSec: number;
}

/** Runs chunks, in-thread or on workers; results may arrive in any order. */
export interface ChunkRunner {
  run(chunks: readonly number[], onResult: (r: ChunkResult) => Promise<void>, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface ShardSpec {
  /** 0-based shard index. */
  index: number;
  /** Number of shards. */
  count: number;
}

export interface GenerateOptions {
  /** Checked between chunks; aborting leaves no half-written file under a final name. */
  signal?: AbortSignal;
  /** Skip chunks already complete in the directory (it must hold this configuration). */
  resume?: boolean;
  /** Generate only this shard's chunks (no merge). */
  shard?: ShardSpec;
  /** Where the chunks run; default in-thread. */
  runner?: ChunkRunner;
  /** Soundfonts and augmentation for the in-thread engine. */
  engine?: EngineOptions;
  /** Name of the output location for messages. */
  where?: string;
}

/** The manifest that marks a directory as a sousa-wasm run of one configuration. */
export interface Manifest {
  generator: 'sousa-wasm';
  version: string;
  status: 'in_progress' | 'shard_complete' | 'complete';
  config: DatasetConfig;
  shard: ShardSpec | null;
  chunks: number;
}

export const MANIFEST_FILE = 'manifest.json';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function jsonBytes(value: unknown): Uint8Array {
  return enc.encode(JSON.stringify(value, null, 2) + '\n');
}

/** Differences between two configurations, as `field: a → b` strings. */
export function configDiff(a: DatasetConfig, b: DatasetConfig): string[] {
  const out: string[] = [];
  for (const k of Object.keys({ ...a, ...b }) as (keyof DatasetConfig)[]) {
    const va = JSON.stringify(a[k]);
    const vb = JSON.stringify(b[k]);
    if (va !== vb) out.push(`${k}: ${short(va)} → ${short(vb)}`);
  }
  return out;
}

function short(s: string | undefined): string {
  if (s === undefined) return 'unset';
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

/** Read and parse a directory's manifest (null if absent); throws if it is not one of ours. */
export async function readManifest(io: DatasetIO, where: string): Promise<Manifest | null> {
  const raw = await io.readFile(MANIFEST_FILE);
  if (raw === null) return null;
  let m: Manifest;
  try {
    m = JSON.parse(dec.decode(raw)) as Manifest;
  } catch (cause) {
    throw new DatasetError('MANIFEST_INVALID', `${where}/${MANIFEST_FILE} is not valid JSON`, { cause });
  }
  if (m.generator !== 'sousa-wasm' || typeof m.config !== 'object' || m.config === null) {
    throw new DatasetError('MANIFEST_INVALID', `${where}/${MANIFEST_FILE} is not a sousa-wasm manifest`);
  }
  return m;
}

function sameShard(a: ShardSpec | null, b: ShardSpec | null): boolean {
  return (a?.index ?? 0) === (b?.index ?? 0) && (a?.count ?? 1) === (b?.count ?? 1);
}

async function checkOutputDir(io: DatasetIO, config: DatasetConfig, shard: ShardSpec | null, resume: boolean, where: string): Promise<void> {
  const entries = (await io.listRoot()).filter((e) => !e.startsWith('.'));
  // resuming a run that was killed before it wrote anything is just a fresh start
  if (entries.length === 0) return;
  let manifest: Manifest | null;
  try {
    manifest = await readManifest(io, where);
  } catch (e) {
    throw new ConfigError('OUTPUT_NOT_EMPTY', `refusing to write into ${where}: ${(e as Error).message}`, { cause: e });
  }
  if (manifest === null) {
    throw new ConfigError(
      'OUTPUT_NOT_EMPTY',
      `refusing to write into ${where}: it is not empty and is not a sousa-wasm dataset (no ${MANIFEST_FILE}); choose an empty or new --out directory`,
    );
  }
  const diff = configDiff(manifest.config, config);
  if (!sameShard(manifest.shard, shard)) {
    const fmt = (s: ShardSpec | null) => (s ? `${s.index}/${s.count}` : 'none');
    diff.push(`shard: ${fmt(manifest.shard)} → ${fmt(shard)}`);
  }
  if (diff.length > 0) {
    throw new ConfigError(
      resume ? 'RESUME_CONFIG_CHANGED' : 'OUTPUT_OTHER_CONFIG',
      `refusing to ${resume ? 'resume' : 'write into'} ${where}: it holds a run of another configuration (${diff.join('; ')}); use a new --out directory or the same options`,
    );
  }
}

/** Profiles and splits of a configuration (pure). */
export function profilesAndSplits(config: DatasetConfig): { profiles: PlayerProfile[]; splits: Splits } {
  const profiles = generateProfiles(config.seed, config.profiles);
  return { profiles, splits: makeSplits(profiles, config.seed) };
}

/** Chunk indices of a shard: i, i + n, i + 2n, … (round robin spreads rudiments and tiers). */
export function shardChunks(totalChunks: number, shard: ShardSpec | null): number[] {
  const out: number[] = [];
  const n = shard?.count ?? 1;
  for (let c = shard?.index ?? 0; c < totalChunks; c += n) out.push(c);
  return out;
}

/** Chunks whose samples part exists in the directory. */
export async function completeChunks(io: DatasetIO): Promise<Set<number>> {
  const done = new Set<number>();
  for (const name of await io.list('parts')) {
    const m = /^chunk-(\d{6})\.samples\.parquet$/.exec(name);
    if (m) done.add(Number(m[1]));
  }
  return done;
}

/** An in-thread runner over one {@link SampleEngine}. */
export function inThreadRunner(config: DatasetConfig, engineOpts?: EngineOptions): ChunkRunner {
  const engine = new SampleEngine(config, engineOpts);
  const { profiles, splits } = profilesAndSplits(config);
  return {
    async run(chunks, onResult, signal) {
      for (const c of chunks) {
        signal?.throwIfAborted();
        await onResult(await computeChunk(engine, profiles, splits, c));
      }
    },
    async close() {},
  };
}

/** Write a chunk's files; the samples part is last, so it marks the chunk complete. */
export async function writeChunk(io: DatasetIO, r: ChunkResult): Promise<void> {
  for (const f of r.files) await io.writeFile(f.path, f.bytes);
}

/** Merge every chunk's parts, in order, into labels/*.parquet, then delete the parts. */
export async function mergeParts(io: DatasetIO, totalChunks: number, where: string): Promise<{ strokes: number; measures: number; samples: number }> {
  const pq = await loadParquetWasm();
  const counts = { strokes: 0, measures: 0, samples: 0 };
  for (const name of TABLE_NAMES) {
    const w = new ParquetStreamWriter(pq, name, TABLES[name], await io.openSink(`labels/${name}.parquet`));
    try {
      for (let c = 0; c < totalChunks; c++) {
        const bytes = await io.readFile(partPath(c, name));
        if (bytes === null) {
          throw new DatasetError('PART_MISSING', `cannot merge: ${where}/${partPath(c, name)} is missing (chunk ${c} not generated)`);
        }
        await w.appendParquet(bytes);
      }
      await w.close();
    } catch (e) {
      await w.abort().catch(() => undefined);
      throw e;
    }
    if (name === 'strokes' || name === 'measures' || name === 'samples') counts[name] = w.rowCount;
  }
  await io.remove('parts');
  return counts;
}

async function writeIndex(io: DatasetIO, config: DatasetConfig): Promise<void> {
  const bytes = await io.readFile('labels/samples.parquet');
  const pq = await loadParquetWasm();
  const { tableFromIPC } = await import('apache-arrow');
  const t = tableFromIPC(pq.readParquet(bytes!, { columns: ['sample_id'] }).intoIPCStream());
  const ids = [...(t.getChild('sample_id')?.toArray() ?? [])] as string[];
  await io.writeFile(
    'index.json',
    jsonBytes({
      num_samples: ids.length,
      sample_ids: ids,
      config: { audio_format: config.audio ? 'flac' : null, sample_rate: config.audio ? 44100 : null },
    }),
  );
}

/** Finish a directory whose chunks are all present: merge, index.json, manifest complete. */
export async function finalizeDataset(io: DatasetIO, manifest: Manifest, where: string): Promise<{ strokes: number; measures: number; samples: number }> {
  const counts = await mergeParts(io, manifest.chunks, where);
  await writeIndex(io, manifest.config);
  await io.writeFile(MANIFEST_FILE, jsonBytes({ ...manifest, status: 'complete', shard: null }));
  return counts;
}

/** Generate a dataset (or a shard of one), yielding progress events; returns the summary. */
export async function* generateDatasetIter(
  config: DatasetConfig,
  io: DatasetIO,
  opts: GenerateOptions = {},
): AsyncGenerator<GenerateEvent, GenerateSummary> {
  const t0 = performance.now();
  const where = opts.where ?? 'the output directory';
  const shard = opts.shard && opts.shard.count > 1 ? opts.shard : null;
  if (shard && !(Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
    throw new ConfigError('SHARD_INVALID', `shard index must be in 0..${shard.count - 1}, got ${shard.index}`);
  }
  await checkOutputDir(io, config, shard, Boolean(opts.resume), where);
  const totalChunks = countChunks(config);
  const mine = shardChunks(totalChunks, shard);
  const done = opts.resume ? await completeChunks(io) : new Set<number>();
  const todo = mine.filter((c) => !done.has(c));
  const samplesPerPerformance = countSamples(config) / (config.profiles * config.rudiments.length * config.temposPerRudiment);
  const shardSamples = mine.reduce((n, c) => n + chunkSize(config, c) * samplesPerPerformance, 0);
  yield { type: 'plan', totalSamples: shardSamples, totalChunks, chunksToDo: todo.length, config };

  const manifest: Manifest = { generator: 'sousa-wasm', version: VERSION, status: 'in_progress', config, shard, chunks: totalChunks };
  await io.writeFile(MANIFEST_FILE, jsonBytes(manifest));
  const { profiles, splits } = profilesAndSplits(config);
  await io.writeFile('splits.json', jsonBytes(splits));

  const runner = opts.runner ?? inThreadRunner(config, opts.engine);
  let samples = 0;
  let chunksDone = 0;
  let samplesDone = mine.filter((c) => done.has(c)).reduce((n, c) => n + chunkSize(config, c) * samplesPerPerformance, 0);
  const events: GenerateEvent[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  let failure: unknown = null;
  const work = runner
    .run(
      todo,
      async (r) => {
        await writeChunk(io, r);
        samples += r.samples;
        samplesDone += r.samples;
        chunksDone++;
        events.push({ type: 'chunk', chunk: r.chunk, done: chunksDone, total: todo.length, samplesDone, samplesTotal: shardSamples });
        wake?.();
      },
      opts.signal,
    )
    .catch((e: unknown) => {
      failure = e;
    })
    .finally(() => {
      finished = true;
      wake?.();
    });
  try {
    while (!finished || events.length > 0) {
      if (events.length === 0) await new Promise<void>((r) => (wake = r));
      wake = null;
      while (events.length > 0) yield events.shift()!;
    }
    await work;
    if (failure) throw failure;
  } finally {
    if (!opts.runner) await runner.close();
  }

  let counts = { strokes: 0, measures: 0, samples: shardSamples };
  let merged = false;
  if (shard) {
    await io.writeFile(MANIFEST_FILE, jsonBytes({ ...manifest, status: 'shard_complete' }));
  } else {
    yield { type: 'finalize', step: 'merging label tables' };
    counts = await finalizeDataset(io, manifest, where);
    merged = true;
  }
  const elapsedMs = performance.now() - t0;
  return {
    samples,
    totalSamples: counts.samples,
    strokes: counts.strokes,
    measures: counts.measures,
    profiles: profiles.length,
    splits: {
      train: splits.stats.train_profiles,
      validation: splits.stats.val_profiles,
      test: splits.stats.test_profiles,
    },
    chunksDone,
    chunksSkipped: mine.length - todo.length,
    merged,
    elapsedMs,
    samplesPerSec: samples / (elapsedMs / 1000),
  };
}

/** Performances in chunk `c`. */
function chunkSize(config: DatasetConfig, c: number): number {
  const total = config.profiles * config.rudiments.length * config.temposPerRudiment;
  return Math.max(0, Math.min(config.chunkPerformances, total - c * config.chunkPerformances));
}

/** Promise wrapper: drains {@link generateDatasetIter}, calling `onEvent` for each event. */
export async function generateDataset(
  config: DatasetConfig,
  io: DatasetIO,
  opts: GenerateOptions & { onEvent?: (e: GenerateEvent) => void } = {},
): Promise<GenerateSummary> {
  const it = generateDatasetIter(config, io, opts);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    opts.onEvent?.(r.value);
  }
}

/**
 * Merge shard directories into `out`: every shard must carry the same configuration, the same
 * shard count and status `shard_complete`, and together cover each shard index once. Media files
 * and parts are copied, then the parts are merged exactly as a single-machine run would.
 */
export async function mergeShards(
  out: DatasetIO,
  shards: readonly { io: DatasetIO; where: string }[],
  where: string,
): Promise<{ samples: number; strokes: number; measures: number }> {
  if (shards.length === 0) throw new ConfigError('MERGE_NOTHING', 'merge needs at least one shard directory');
  const manifests: Manifest[] = [];
  for (const s of shards) {
    const m = await readManifest(s.io, s.where);
    if (!m) throw new ConfigError('MERGE_NOT_SHARD', `${s.where} is not a sousa-wasm dataset (no ${MANIFEST_FILE})`);
    if (m.status !== 'shard_complete' || !m.shard) {
      throw new ConfigError(
        'MERGE_NOT_SHARD',
        `${s.where} is not a finished shard (status ${m.status}${m.shard ? `, shard ${m.shard.index}/${m.shard.count}` : ', no shard'}); finish it with --resume first`,
      );
    }
    manifests.push(m);
  }
  const first = manifests[0]!;
  const seen = new Map<number, string>();
  manifests.forEach((m, i) => {
    const diff = configDiff(first.config, m.config);
    if (diff.length > 0) {
      throw new ConfigError('MERGE_CONFIG_MISMATCH', `${shards[i]!.where} comes from another configuration than ${shards[0]!.where} (${diff.join('; ')})`);
    }
    if (m.shard!.count !== first.shard!.count) {
      throw new ConfigError('MERGE_CONFIG_MISMATCH', `${shards[i]!.where} is shard ${m.shard!.index}/${m.shard!.count}, but ${shards[0]!.where} is one of ${first.shard!.count}`);
    }
    const dup = seen.get(m.shard!.index);
    if (dup) throw new ConfigError('MERGE_DUPLICATE', `shard ${m.shard!.index}/${m.shard!.count} appears twice: ${dup} and ${shards[i]!.where}`);
    seen.set(m.shard!.index, shards[i]!.where);
  });
  const missing = [];
  for (let i = 0; i < first.shard!.count; i++) if (!seen.has(i)) missing.push(`${i}/${first.shard!.count}`);
  if (missing.length > 0) throw new ConfigError('MERGE_INCOMPLETE', `cannot merge: shards ${missing.join(', ')} are missing`);
  const outEntries = (await out.listRoot()).filter((e) => !e.startsWith('.'));
  if (outEntries.length > 0) {
    throw new ConfigError('OUTPUT_NOT_EMPTY', `refusing to merge into ${where}: it is not empty; choose a new directory`);
  }
  // copy: splits, media, parts (each shard holds only its own chunks' files)
  await out.writeFile(MANIFEST_FILE, jsonBytes({ ...first, status: 'in_progress', shard: null }));
  const splits = await shards[0]!.io.readFile('splits.json');
  if (splits) await out.writeFile('splits.json', splits);
  for (const s of shards) await copyTree(s.io, out, ['midi', 'audio', 'parts']);
  const manifest: Manifest = { ...first, status: 'in_progress', shard: null };
  return finalizeDataset(out, manifest, where);
}

async function copyTree(from: DatasetIO, to: DatasetIO, roots: readonly string[]): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    for (const name of await from.list(dir)) {
      if (name.startsWith('.')) continue;
      const p = `${dir}/${name}`;
      if ((await from.list(p)).length > 0) {
        await walk(p);
        continue;
      }
      const bytes = await from.readFile(p);
      if (bytes !== null) await to.writeFile(p, bytes);
    }
  };
  for (const r of roots) await walk(r);
}
