/**
 * Builds the staging folder: everything that goes to the Hub, laid out as it will be in the
 * repository. `publish --dry-run` stops here, so the folder is exactly what would be uploaded.
 *
 * ```
 * {config}/{split}-{i:05d}-of-{n:05d}.parquet   audio (default), midi_only, labels_only, preview
 * auxiliary/strokes.parquet, auxiliary/measures.parquet
 * README.md                                      dataset card
 * .sousa-staging.json                            what this run wrote (not uploaded)
 * ```
 *
 * A long job, so an async generator of progress events with a promise wrapper; the signal is
 * checked between rows. Files appear under their final names only when complete. Files a previous
 * staging run wrote and this one does not (e.g. a shard count that changed) are removed; files
 * the stage did not write are never touched, and a non-empty folder without a staging record is
 * refused.
 */
import { ConfigError } from '../errors.js';
import type { CellValue } from '../dataset/columns.js';
import { SPLIT_NAMES } from '../dataset/splits.js';
import { loadParquetWasm } from '../platform/parquet.js';
import { VERSION } from '../version.js';
import { buildDatasetCard, type AuxiliaryFile, type BuiltConfig, type BuiltSplit } from './card.js';
import { configSpecs, huggingfaceMetadata, PREVIEW_SPLIT, type ConfigSpec } from './configs.js';
import { loadDatasetForPublish, type CheckResult, type DatasetSnapshot } from './dataset.js';
import type { HubFileIO } from './io.js';
import { selectPreview } from './preview.js';
import { estimateRowBytes, planShards, writeShard, type OutRow, type PlannedShard } from './shards.js';

export const STAGING_RECORD = '.sousa-staging.json';
export const CARD_FILE = 'README.md';

export interface StageOptions {
  /** Repository id the card's usage snippets name (`namespace/name`). */
  repoId: string;
  /** Largest Parquet shard in bytes. Default 500 000 000 (the Hub's recommendation for viewer-friendly shards). */
  maxShardBytes: number;
  /** Rows per rudiment in the preview config. Default 2. */
  previewPerRudiment: number;
  /** Rows per row group in configs with MIDI or audio. Default 100 (the `datasets` value for audio). */
  mediaRowGroupRows: number;
  /** Rows per row group in labels_only. Default 10 000. */
  labelsRowGroupRows: number;
  /** A row group closes early at this many estimated bytes; bounds memory. Default 64 MiB. */
  rowGroupMaxBytes: number;
  /** Media files read ahead while a row group is built. Default 8. */
  readAhead: number;
  /** Results of the validate module, shown in the card next to the basic checks; null if it did not run. */
  validation: CheckResult[] | null;
  /** The dataset as already loaded and checked by {@link loadDatasetForPublish}; loaded here when absent. */
  snapshot?: DatasetSnapshot;
  /** Checked between rows. */
  signal?: AbortSignal;
}

export const DEFAULT_STAGE_OPTIONS: Readonly<Omit<StageOptions, 'repoId' | 'signal' | 'snapshot'>> = Object.freeze({
  maxShardBytes: 500_000_000,
  previewPerRudiment: 2,
  mediaRowGroupRows: 100,
  labelsRowGroupRows: 10_000,
  rowGroupMaxBytes: 64 * 1024 * 1024,
  readAhead: 8,
  validation: null,
});

export interface StagedFile {
  /** Path in the repository (= in the staging folder). */
  path: string;
  size: number;
  sha256: string;
}

export type StageEvent =
  | { type: 'checked'; samples: number; hasAudio: boolean; configs: string[] }
  | { type: 'planned'; files: number; estimatedBytes: number }
  | { type: 'file'; path: string; bytes: number; rows: number | null; done: number; total: number }
  | { type: 'hashed'; done: number; total: number };

export interface StagingResult {
  /** Files to upload, in upload order (data first, card last). */
  files: StagedFile[];
  configs: BuiltConfig[];
  auxiliary: AuxiliaryFile[];
  card: string;
  samples: number;
  hasAudio: boolean;
  /** Bytes of Parquet shards written and the time spent writing them. */
  parquetBytes: number;
  parquetMs: number;
  elapsedMs: number;
}

interface StagingRecord {
  generator: 'sousa-wasm';
  kind: 'hub-staging';
  version: string;
  repoId: string;
  files: StagedFile[];
}

const enc = new TextEncoder();
const dec = new TextDecoder();

async function readRecord(staging: HubFileIO): Promise<StagingRecord | null> {
  const raw = await staging.readFile(STAGING_RECORD);
  if (raw === null) return null;
  try {
    const r = JSON.parse(dec.decode(raw)) as StagingRecord;
    return r.kind === 'hub-staging' && Array.isArray(r.files) ? r : null;
  } catch {
    return null;
  }
}

async function checkStagingDir(staging: HubFileIO): Promise<StagingRecord | null> {
  const entries = (await staging.listRoot()).filter((e) => e !== STAGING_RECORD);
  const record = await readRecord(staging);
  if (entries.length > 0 && record === null) {
    throw new ConfigError(
      'HUB_STAGING_NOT_EMPTY',
      `refusing to stage into ${staging.describe('.')}: it is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}) and holds no ${STAGING_RECORD}; choose an empty or new --staging folder`,
    );
  }
  return record;
}

/** The cells of sample `i` for a config's plain columns. */
function cellsOf(snapshot: DatasetSnapshot, i: number, spec: ConfigSpec): Record<string, CellValue> {
  const sample = snapshot.samples[i]!;
  const scores = snapshot.exercises.get(String(sample.sample_id)) ?? {};
  const cells: Record<string, CellValue> = {};
  for (const c of spec.columns) {
    if (c.kind !== 'value') continue;
    cells[c.name] = c.name in sample ? sample[c.name] : (scores[c.name] ?? null);
  }
  return cells;
}

/** Rows of a shard, with media read ahead `readAhead` files at a time. */
async function* shardRows(
  source: HubFileIO,
  snapshot: DatasetSnapshot,
  spec: ConfigSpec,
  rows: readonly number[],
  readAhead: number,
  signal?: AbortSignal,
): AsyncGenerator<OutRow> {
  const wantMidi = spec.columns.some((c) => c.kind === 'midi');
  const wantAudio = spec.columns.some((c) => c.kind === 'audio');
  const load = async (i: number): Promise<OutRow> => {
    const s = snapshot.samples[i]!;
    const read = async (p: string) => {
      const b = await source.readFile(p);
      if (b === null) throw new ConfigError('HUB_FILE_VANISHED', `${source.describe(p)} disappeared while staging; rerun publish`);
      return b;
    };
    const midi = wantMidi ? await read(String(s.midi_path)) : undefined;
    const audio = wantAudio && s.audio_path ? { bytes: await read(String(s.audio_path)), path: `${String(s.sample_id)}.flac` } : null;
    return { cells: cellsOf(snapshot, i, spec), midi, audio: wantAudio ? audio : undefined };
  };
  const window: Promise<OutRow>[] = [];
  let next = 0;
  const top = () => {
    while (window.length < Math.max(1, wantMidi || wantAudio ? readAhead : 1) && next < rows.length) {
      const p = load(rows[next++]!);
      p.catch(() => undefined); // surfaced when awaited below
      window.push(p);
    }
  };
  top();
  while (window.length > 0) {
    signal?.throwIfAborted();
    const row = await window.shift()!;
    top();
    yield row;
  }
}

/** Build the staging folder, yielding progress events; returns what was staged. */
export async function* stageDatasetIter(
  source: HubFileIO,
  staging: HubFileIO,
  options: Partial<StageOptions> & Pick<StageOptions, 'repoId'>,
): AsyncGenerator<StageEvent, StagingResult> {
  const o: StageOptions = { ...DEFAULT_STAGE_OPTIONS, ...options };
  if (!(Number.isFinite(o.maxShardBytes) && o.maxShardBytes >= 1_000_000)) {
    throw new ConfigError('HUB_OPTION_INVALID', `max shard size must be at least 1 MB, got ${o.maxShardBytes} bytes`);
  }
  const t0 = performance.now();
  const previous = await checkStagingDir(staging);
  const pq = await loadParquetWasm();
  const snapshot = o.snapshot ?? (await loadDatasetForPublish(source, pq));
  const specs = configSpecs(snapshot);
  yield { type: 'checked', samples: snapshot.samples.length, hasAudio: snapshot.hasAudio, configs: specs.map((s) => s.name) };

  // plan every shard first: names carry the shard count
  const plans: { spec: ConfigSpec; split: string; rows: number[]; shards: PlannedShard[] }[] = [];
  const mediaSize = (p: CellValue) => (typeof p === 'string' ? (snapshot.mediaSizes.get(p) ?? 0) : 0);
  for (const spec of specs) {
    const groups: [string, number[]][] =
      spec.name === 'preview'
        ? [[PREVIEW_SPLIT, selectPreview(snapshot.samples, o.previewPerRudiment, snapshot.manifest.config.seed)]]
        : SPLIT_NAMES.map((s) => [s, snapshot.samples.flatMap((r, i) => (r.split === s ? [i] : []))]);
    for (const [split, rows] of groups) {
      if (rows.length === 0) continue;
      const hasMidi = spec.columns.some((c) => c.kind === 'midi');
      const hasAudio = spec.columns.some((c) => c.kind === 'audio');
      const bytes = rows.map((i) =>
        estimateRowBytes(
          spec.columns,
          cellsOf(snapshot, i, spec),
          hasMidi ? mediaSize(snapshot.samples[i]!.midi_path) : 0,
          hasAudio ? mediaSize(snapshot.samples[i]!.audio_path) : 0,
        ),
      );
      const shards = planShards(spec.name, split, bytes, o.maxShardBytes).map((s) => ({ ...s, rows: s.rows.map((k) => rows[k]!) }));
      plans.push({ spec, split, rows, shards });
    }
  }
  const allShards = plans.flatMap((p) => p.shards);
  const auxTables = ['strokes', 'measures'] as const;
  const total = allShards.length + auxTables.length + 1;
  yield { type: 'planned', files: total, estimatedBytes: allShards.reduce((n, s) => n + s.estimatedBytes, 0) };

  let done = 0;
  let parquetBytes = 0;
  let parquetMs = 0;
  const configs: BuiltConfig[] = specs.map((spec, k) => ({ spec, isDefault: k === 0, splits: [] }));
  for (const plan of plans) {
    const built: BuiltSplit = { name: plan.split, numExamples: 0, numBytes: 0, files: [] };
    const kv = { huggingface: huggingfaceMetadata(plan.spec.columns, snapshot.sampleRateHz) };
    for (const shard of plan.shards) {
      o.signal?.throwIfAborted();
      const t = performance.now();
      const sink = await staging.openSink(shard.path);
      const res = await writeShard(pq, plan.spec.columns, shardRows(source, snapshot, plan.spec, shard.rows, o.readAhead, o.signal), sink, {
        rowGroupRows: plan.spec.hasMedia ? o.mediaRowGroupRows : o.labelsRowGroupRows,
        rowGroupMaxBytes: o.rowGroupMaxBytes,
        keyValueMetadata: kv,
      });
      parquetMs += performance.now() - t;
      parquetBytes += res.fileBytes;
      built.numExamples += res.rows;
      built.numBytes += res.arrowBytes;
      built.files.push({ path: shard.path, size: res.fileBytes });
      yield { type: 'file', path: shard.path, bytes: res.fileBytes, rows: res.rows, done: ++done, total };
    }
    configs.find((c) => c.spec === plan.spec)!.splits.push(built);
  }

  const auxiliary: AuxiliaryFile[] = [];
  for (const table of auxTables) {
    const bytes = (await source.readFile(`labels/${table}.parquet`))!;
    const path = `auxiliary/${table}.parquet`;
    await staging.writeFile(path, bytes);
    auxiliary.push({ path, table, rows: table === 'strokes' ? snapshot.strokeRows : snapshot.measureRows, size: bytes.length });
    yield { type: 'file', path, bytes: bytes.length, rows: auxiliary.at(-1)!.rows, done: ++done, total };
  }

  const card = buildDatasetCard({
    repoId: o.repoId,
    snapshot,
    configs: configs.filter((c) => c.splits.length > 0),
    auxiliary,
    previewPerRudiment: o.previewPerRudiment,
    publisherVersion: VERSION,
    validation: o.validation,
  });
  const cardBytes = enc.encode(card);
  await staging.writeFile(CARD_FILE, cardBytes);
  yield { type: 'file', path: CARD_FILE, bytes: cardBytes.length, rows: null, done: ++done, total };

  const paths = [...allShards.map((s) => s.path), ...auxiliary.map((a) => a.path), CARD_FILE];
  const files: StagedFile[] = [];
  for (const path of paths) {
    o.signal?.throwIfAborted();
    files.push({ path, size: (await staging.fileSize(path))!, sha256: await staging.sha256(path) });
    yield { type: 'hashed', done: files.length, total: paths.length };
  }
  const keep = new Set(paths);
  for (const f of previous?.files ?? []) if (!keep.has(f.path)) await staging.removeFile(f.path);
  const record: StagingRecord = { generator: 'sousa-wasm', kind: 'hub-staging', version: VERSION, repoId: o.repoId, files };
  await staging.writeFile(STAGING_RECORD, enc.encode(JSON.stringify(record, null, 2) + '\n'));

  return {
    files,
    configs: configs.filter((c) => c.splits.length > 0),
    auxiliary,
    card,
    samples: snapshot.samples.length,
    hasAudio: snapshot.hasAudio,
    parquetBytes,
    parquetMs,
    elapsedMs: performance.now() - t0,
  };
}

/** Promise wrapper: drains {@link stageDatasetIter}, calling `onEvent` for each event. */
export async function stageDataset(
  source: HubFileIO,
  staging: HubFileIO,
  options: Partial<StageOptions> & Pick<StageOptions, 'repoId'>,
  onEvent?: (e: StageEvent) => void,
): Promise<StagingResult> {
  const it = stageDatasetIter(source, staging, options);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    onEvent?.(r.value);
  }
}
