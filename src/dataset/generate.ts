/**
 * The symbolic generator: plan → profiles → performances → MIDI + labels → Parquet, streamed.
 *
 * A long job is an async generator of progress events ({@link generateDatasetIter}); the
 * promise wrapper {@link generateDataset} drains it. All file access goes through a
 * {@link DatasetIO} supplied by the platform layer (Node/Deno file system, or memory), so this
 * module runs unchanged everywhere.
 */
import { ConfigError, DatasetError } from '../errors.js';
import { generateProfiles } from '../profiles/index.js';
import type { PlayerProfile } from '../profiles/types.js';
import { generatePerformance, performanceToMidi } from '../performance/index.js';
import { exerciseScores, measureLabels, strokeLabels } from '../labels/index.js';
import { loadParquetWasm } from '../platform/parquet.js';
import { ParquetStreamWriter, type ByteSink } from './parquet.js';
import type { CellValue } from './columns.js';
import { TABLES, TABLE_NAMES, type TableName } from './schema.js';
import { makeSplits, splitOf, type Splits } from './splits.js';
import { countSamples, planSamples, type DatasetConfig, type PlannedSample } from './plan.js';
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
}

export type GenerateEvent =
  | { type: 'plan'; totalSamples: number; config: DatasetConfig }
  | { type: 'sample'; done: number; total: number; sampleId: string }
  | { type: 'finalize'; step: string };

export interface GenerateSummary {
  samples: number;
  strokes: number;
  measures: number;
  profiles: number;
  splits: { train: number; validation: number; test: number };
  elapsedMs: number;
  samplesPerSec: number;
}

export interface GenerateOptions {
  /** Checked between samples; aborting leaves no file under a final name half-written. */
  signal?: AbortSignal;
}

/** The manifest that marks a directory as a sousa-wasm run of one configuration. */
export interface Manifest {
  generator: 'sousa-wasm';
  version: string;
  status: 'in_progress' | 'complete';
  config: DatasetConfig;
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
    if (va !== vb) out.push(`${k}: ${va} → ${vb}`);
  }
  return out;
}

async function checkOutputDir(io: DatasetIO, config: DatasetConfig, where: string): Promise<void> {
  const entries = (await io.listRoot()).filter((e) => !e.startsWith('.'));
  if (entries.length === 0) return;
  const raw = await io.readFile(MANIFEST_FILE);
  if (raw === null) {
    throw new ConfigError(
      'OUTPUT_NOT_EMPTY',
      `refusing to write into ${where}: it is not empty and is not a sousa-wasm dataset (no ${MANIFEST_FILE}); choose an empty or new --out directory`,
    );
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(dec.decode(raw)) as Manifest;
  } catch (cause) {
    throw new ConfigError('OUTPUT_NOT_EMPTY', `refusing to write into ${where}: ${MANIFEST_FILE} is not valid JSON`, { cause });
  }
  if (manifest.generator !== 'sousa-wasm' || typeof manifest.config !== 'object') {
    throw new ConfigError('OUTPUT_NOT_EMPTY', `refusing to write into ${where}: ${MANIFEST_FILE} is not a sousa-wasm manifest`);
  }
  const diff = configDiff(manifest.config, config);
  if (diff.length > 0) {
    throw new ConfigError(
      'OUTPUT_OTHER_CONFIG',
      `refusing to write into ${where}: it holds a run of another configuration (${diff.join('; ')}); use a new --out directory or the same options`,
    );
  }
}

/** Everything derived from one planned sample (pure; no I/O). */
export interface BuiltSample {
  plan: PlannedSample;
  midi: Uint8Array;
  /** Label records per table (camelCase fields, as the stages produce them). */
  rows: Record<TableName, readonly object[]>;
  /** Columns shared by every row of the sample (`sample_id`). */
  extra: Readonly<Record<string, CellValue>>;
}

/** Build the performance, MIDI and label rows of one sample. */
export function buildSample(plan: PlannedSample, config: DatasetConfig, splits: Splits): BuiltSample {
  const { profile, rudiment, tempoBpm, sampleId } = plan;
  const perf = generatePerformance({
    rudiment,
    profile,
    tempoBpm,
    seed: config.seed,
    key: plan.performanceKey,
    numCycles: config.numCycles,
  });
  const midi = performanceToMidi(perf);
  const strokes = strokeLabels(perf);
  const measures = measureLabels(perf, strokes);
  const scores = exerciseScores(perf, strokes, profile.tier);
  const midiPath = `midi/${rudiment.slug}/${sampleId}.mid`;
  const sample: Record<string, CellValue> = {
    sample_id: sampleId,
    profile_id: profile.id,
    rudiment_slug: rudiment.slug,
    pas_number: rudiment.pasNumber,
    rudiment_category: rudiment.category,
    tempo_bpm: tempoBpm,
    duration_sec: perf.durationSec,
    num_cycles: perf.numCycles,
    lead_hand: perf.leadHand,
    skill_tier: profile.tier,
    skill_tier_binary: profile.tier === 'beginner' || profile.tier === 'intermediate' ? 'novice' : 'skilled',
    dominant_hand: profile.dominantHand,
    split: splitOf(splits, profile.id),
    midi_path: midiPath,
    audio_path: null,
    num_strokes: strokes.length,
    num_measures: measures.length,
    soundfont: null,
    augmentation_preset: 'none',
    augmentation_group_id: plan.performanceKey,
  };
  return {
    plan,
    midi,
    rows: { samples: [sample], exercises: [scores], measures, strokes },
    extra: { sample_id: sampleId },
  };
}

/** Profiles and splits of a configuration (pure). */
export function profilesAndSplits(config: DatasetConfig): { profiles: PlayerProfile[]; splits: Splits } {
  const profiles = generateProfiles(config.seed, config.profiles);
  return { profiles, splits: makeSplits(profiles, config.seed) };
}

/** Generate a dataset, yielding progress events; returns the summary. */
export async function* generateDatasetIter(
  config: DatasetConfig,
  io: DatasetIO,
  opts: GenerateOptions & { where?: string } = {},
): AsyncGenerator<GenerateEvent, GenerateSummary> {
  const t0 = performance.now();
  const where = opts.where ?? 'the output directory';
  await checkOutputDir(io, config, where);
  const total = countSamples(config);
  yield { type: 'plan', totalSamples: total, config };

  const manifest: Manifest = { generator: 'sousa-wasm', version: VERSION, status: 'in_progress', config };
  await io.writeFile(MANIFEST_FILE, jsonBytes(manifest));

  const { profiles, splits } = profilesAndSplits(config);
  await io.writeFile('splits.json', jsonBytes(splits));

  const pq = await loadParquetWasm();
  const writers = {} as Record<TableName, ParquetStreamWriter>;
  for (const name of TABLE_NAMES) {
    writers[name] = new ParquetStreamWriter(pq, name, TABLES[name], await io.openSink(`labels/${name}.parquet`));
  }
  const sampleIds: string[] = [];
  try {
    let done = 0;
    for (const plan of planSamples(config, profiles)) {
      opts.signal?.throwIfAborted();
      const built = buildSample(plan, config, splits);
      await io.writeFile(`midi/${plan.rudiment.slug}/${plan.sampleId}.mid`, built.midi);
      for (const name of TABLE_NAMES) {
        const w = writers[name];
        for (const row of built.rows[name]) await w.append(row, built.extra);
      }
      sampleIds.push(plan.sampleId);
      done++;
      yield { type: 'sample', done, total, sampleId: plan.sampleId };
    }
    yield { type: 'finalize', step: 'labels' };
    for (const name of TABLE_NAMES) await writers[name].close();
  } catch (e) {
    for (const name of TABLE_NAMES) await writers[name].abort().catch(() => undefined);
    if (e instanceof Error && e.name === 'AbortError') throw e;
    if (e instanceof DatasetError || e instanceof ConfigError) throw e;
    throw e;
  }

  await io.writeFile(
    'index.json',
    jsonBytes({
      num_samples: sampleIds.length,
      sample_ids: sampleIds,
      config: { audio_format: config.withAudio ? 'flac' : null, sample_rate: config.withAudio ? 44100 : null },
    }),
  );
  await io.writeFile(MANIFEST_FILE, jsonBytes({ ...manifest, status: 'complete' }));
  const elapsedMs = performance.now() - t0;
  return {
    samples: sampleIds.length,
    strokes: writers.strokes.rowCount,
    measures: writers.measures.rowCount,
    profiles: profiles.length,
    splits: {
      train: splits.stats.train_profiles,
      validation: splits.stats.val_profiles,
      test: splits.stats.test_profiles,
    },
    elapsedMs,
    samplesPerSec: sampleIds.length / (elapsedMs / 1000),
  };
}

/** Promise wrapper: drains {@link generateDatasetIter}, calling `onEvent` for each event. */
export async function generateDataset(
  config: DatasetConfig,
  io: DatasetIO,
  opts: GenerateOptions & { where?: string; onEvent?: (e: GenerateEvent) => void } = {},
): Promise<GenerateSummary> {
  const it = generateDatasetIter(config, io, opts);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    opts.onEvent?.(r.value);
  }
}
