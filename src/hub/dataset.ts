/**
 * Reads a generated dataset for publishing and runs the checks that must pass before anything is
 * built or uploaded: a complete manifest, the four label tables readable with their columns,
 * one exercise row per sample, splits consistent with splits.json, stroke and measure counts that
 * add up, scores in range, and every referenced MIDI / FLAC file present.
 *
 * Only the per-sample tables are held in memory (one row per sample); strokes and measures are
 * counted, and media files are only stat-ed here.
 */
import * as arrow from 'apache-arrow';
import { DatasetError } from '../errors.js';
import type { CellValue, ColumnType } from '../dataset/columns.js';
import type { Manifest } from '../dataset/generate.js';
import { SCORE_RANGES, TABLES, TABLE_NAMES, type TableName } from '../dataset/schema.js';
import { SPLIT_NAMES, splitOf, type SplitName, type Splits } from '../dataset/splits.js';
import type { ParquetWasm } from '../platform/parquet.js';
import type { HubFileIO } from './io.js';

/** A column as found in the data: name and storage type. */
export interface FieldInfo {
  name: string;
  type: ColumnType;
}

/** One check of the dataset, as reported in the dataset card. */
export interface CheckResult {
  name: string;
  passed: boolean;
  /** What was counted or found. */
  detail: string;
  /** Finer verdict when the check has one (`pass`, `warn`, `skip`, `fail`); else from `passed`. */
  status?: string;
}

export type SampleRow = Readonly<Record<string, CellValue>>;

export interface DatasetIndex {
  num_samples: number;
  sample_ids: string[];
  config?: { audio_format?: string | null; sample_rate?: number | null };
}

export interface DatasetSnapshot {
  manifest: Manifest;
  index: DatasetIndex;
  splits: Splits;
  /** samples.parquet rows, in file order. */
  samples: SampleRow[];
  /** exercises.parquet rows by sample id. */
  exercises: Map<string, SampleRow>;
  /** Columns of samples.parquet, in file order. */
  sampleFields: FieldInfo[];
  /** Columns of exercises.parquet except sample_id (the scores), in file order. */
  scoreFields: FieldInfo[];
  /** Rows in strokes.parquet and measures.parquet. */
  strokeRows: number;
  measureRows: number;
  /** Every sample has an audio file. */
  hasAudio: boolean;
  /** Sizes in bytes of the referenced media files, by dataset-relative path. */
  mediaSizes: Map<string, number>;
  /** Audio sample rate from index.json, null without audio. */
  sampleRateHz: number | null;
  checks: CheckResult[];
}

const dec = new TextDecoder();
/** = dataset/generate.ts MANIFEST_FILE; not imported, so publishing does not load the generator. */
const MANIFEST_FILE = 'manifest.json';

function fieldType(f: arrow.Field): ColumnType | null {
  const t = f.type;
  if (arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t)) return 'utf8';
  if (arrow.DataType.isBool(t)) return 'bool';
  if (arrow.DataType.isBinary(t) || arrow.DataType.isLargeBinary(t)) return 'binary';
  if (arrow.DataType.isInt(t) && (t as arrow.Int).bitWidth <= 32 && (t as arrow.Int).isSigned) return 'int32';
  if (arrow.DataType.isFloat(t) && (t as arrow.Float).precision === arrow.Precision.DOUBLE) return 'float64';
  return null;
}

/** Read a Parquet file fully into an Arrow table (per-sample tables only). */
export function readParquetTable(pq: ParquetWasm, bytes: Uint8Array): arrow.Table {
  const wasmTable = pq.readParquet(bytes);
  return arrow.tableFromIPC(wasmTable.intoIPCStream());
}

/** Row count from the Parquet footer, without decoding the data. */
export async function parquetRowCount(pq: ParquetWasm, bytes: Uint8Array): Promise<number> {
  const file = await pq.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  try {
    const meta = file.metadata();
    const n = meta.fileMetadata().numRows();
    meta.free();
    return n;
  } finally {
    file.free();
  }
}

function tableRows(table: arrow.Table, fields: readonly FieldInfo[]): Record<string, CellValue>[] {
  const cols = fields.map((f) => table.getChild(f.name)!);
  const out: Record<string, CellValue>[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, CellValue> = {};
    for (let c = 0; c < fields.length; c++) {
      const v = cols[c]!.get(i) as CellValue;
      row[fields[c]!.name] = v === undefined ? null : v;
    }
    out[i] = row;
  }
  return out;
}

function parseJson<T>(bytes: Uint8Array | null, file: string, where: string, problems: string[]): T | null {
  if (bytes === null) {
    problems.push(`${file} is missing in ${where}`);
    return null;
  }
  try {
    return JSON.parse(dec.decode(bytes)) as T;
  } catch (e) {
    problems.push(`${file} in ${where} is not valid JSON (${(e as Error).message})`);
    return null;
  }
}

function listSome(items: readonly string[], n = 5): string {
  return items.slice(0, n).join(', ') + (items.length > n ? `, … (${items.length} in all)` : '');
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Load a generated dataset and check it. Throws a {@link DatasetError} listing every problem
 * found (with the fix) when the directory is not a dataset or fails a check.
 */
export async function loadDatasetForPublish(io: HubFileIO, pq: ParquetWasm): Promise<DatasetSnapshot> {
  const where = io.describe('.');
  const manifestBytes = await io.readFile(MANIFEST_FILE);
  if (manifestBytes === null) {
    throw new DatasetError(
      'HUB_NOT_A_DATASET',
      `${where} is not a sousa-wasm dataset: expected ${MANIFEST_FILE}, found none; pass --dir with the folder "sousa-wasm generate --out" wrote`,
    );
  }
  const problems: string[] = [];
  const checks: CheckResult[] = [];
  const manifest = parseJson<Manifest>(manifestBytes, MANIFEST_FILE, where, problems);
  if (manifest && (manifest.generator !== 'sousa-wasm' || typeof manifest.config !== 'object' || manifest.config === null)) {
    throw new DatasetError(
      'HUB_NOT_A_DATASET',
      `${where} is not a sousa-wasm dataset: ${MANIFEST_FILE} has generator ${JSON.stringify(manifest.generator)}, expected "sousa-wasm"`,
    );
  }
  if (manifest && manifest.status !== 'complete') {
    problems.push(
      `${MANIFEST_FILE} has status ${JSON.stringify(manifest.status)}, expected "complete": the run did not finish; rerun the same generate command to complete it`,
    );
  }
  const index = parseJson<DatasetIndex>(await io.readFile('index.json'), 'index.json', where, problems);
  const splits = parseJson<Splits>(await io.readFile('splits.json'), 'splits.json', where, problems);
  if (splits && !Array.isArray(splits.train_profile_ids)) problems.push('splits.json has no train_profile_ids list');

  const tables = {} as Record<TableName, { bytes: Uint8Array; table?: arrow.Table; fields: FieldInfo[] }>;
  for (const name of TABLE_NAMES) {
    const path = `labels/${name}.parquet`;
    const bytes = await io.readFile(path);
    if (bytes === null) {
      problems.push(`${path} is missing`);
      continue;
    }
    try {
      // only the per-sample tables are decoded; strokes and measures are checked from the footer
      const table = name === 'samples' || name === 'exercises' ? readParquetTable(pq, bytes) : undefined;
      const fields: FieldInfo[] = [];
      if (table) {
        for (const f of table.schema.fields) {
          const type = fieldType(f);
          if (type === null) problems.push(`${path}: column ${f.name} has unsupported type ${String(f.type)}`);
          else fields.push({ name: f.name, type });
        }
        const missing = TABLES[name].map((c) => c.name).filter((c) => !fields.some((f) => f.name === c));
        if (missing.length > 0) problems.push(`${path} lacks column(s) ${missing.join(', ')}`);
      }
      tables[name] = { bytes, table, fields };
    } catch (e) {
      problems.push(`${path} is not readable Parquet (${(e as Error).message ?? String(e)})`);
    }
  }
  checks.push({ name: 'label tables readable', passed: TABLE_NAMES.every((n) => tables[n]), detail: TABLE_NAMES.join(', ') });
  // the remaining checks need all of these; an unfinished status does not stop them
  const blocking = problems.length > (manifest && manifest.status !== 'complete' ? 1 : 0);
  if (blocking || !manifest || !index || !splits) throw invalid(where, problems);

  const samplesT = tables.samples;
  const exercisesT = tables.exercises;
  const samples = tableRows(samplesT.table!, samplesT.fields);
  const exerciseRows = tableRows(exercisesT.table!, exercisesT.fields);
  const scoreFields = exercisesT.fields.filter((f) => f.name !== 'sample_id');

  // identities
  const ids = samples.map((r) => r.sample_id as string);
  const idSet = new Set(ids);
  const dupes = ids.length - idSet.size;
  if (dupes > 0) problems.push(`samples.parquet has ${dupes} duplicate sample_id value(s)`);
  if (index.num_samples !== samples.length) {
    problems.push(`index.json says ${index.num_samples} samples, samples.parquet has ${samples.length} rows`);
  }
  const notIndexed = Array.isArray(index.sample_ids) ? index.sample_ids.filter((id) => !idSet.has(id)) : [];
  if (notIndexed.length > 0) problems.push(`index.json lists sample ids absent from samples.parquet: ${listSome(notIndexed)}`);
  checks.push({
    name: 'sample ids unique and indexed',
    passed: dupes === 0 && notIndexed.length === 0 && index.num_samples === samples.length,
    detail: `${samples.length} samples`,
  });

  const exercises = new Map<string, SampleRow>();
  for (const r of exerciseRows) exercises.set(r.sample_id as string, r);
  const noScores = ids.filter((id) => !exercises.has(id));
  if (noScores.length > 0 || exerciseRows.length !== samples.length) {
    problems.push(
      `exercises.parquet must have one row per sample: ${exerciseRows.length} rows for ${samples.length} samples` +
        (noScores.length ? `; missing ${listSome(noScores)}` : ''),
    );
  }
  checks.push({ name: 'one exercise row per sample', passed: noScores.length === 0, detail: `${exerciseRows.length} rows` });

  // scores in range
  let outOfRange = 0;
  const badScores: string[] = [];
  for (const r of exerciseRows) {
    for (const [name, [lo, hi]] of Object.entries(SCORE_RANGES)) {
      const v = r[name];
      if (v === null || v === undefined) continue;
      if (typeof v !== 'number' || !(v >= lo && v <= hi)) {
        outOfRange++;
        if (badScores.length < 5) badScores.push(`${String(r.sample_id)}.${name}=${String(v)}`);
      }
    }
  }
  if (outOfRange > 0) problems.push(`${outOfRange} exercise score(s) outside their range: ${listSome(badScores)}`);
  checks.push({ name: 'scores within their ranges', passed: outOfRange === 0, detail: `${outOfRange} out of range` });

  // splits by player
  let splitMismatch = 0;
  const badSplit: string[] = [];
  for (const r of samples) {
    const s = r.split as string;
    if (!SPLIT_NAMES.includes(s as SplitName) || s !== splitOf(splits, r.profile_id as string)) {
      splitMismatch++;
      if (badSplit.length < 5) badSplit.push(`${String(r.sample_id)} (${s})`);
    }
  }
  if (splitMismatch > 0) problems.push(`${splitMismatch} sample(s) whose split disagrees with splits.json: ${listSome(badSplit)}`);
  checks.push({ name: 'splits by player match splits.json', passed: splitMismatch === 0, detail: `${splitMismatch} mismatches` });

  // row counts of the per-stroke and per-measure tables
  const pqCount = async (name: TableName) => parquetRowCount(pq, tables[name].bytes);
  const strokeRows = await pqCount('strokes');
  const measureRows = await pqCount('measures');
  const wantStrokes = samples.reduce((n, r) => n + Number(r.num_strokes), 0);
  const wantMeasures = samples.reduce((n, r) => n + Number(r.num_measures), 0);
  if (strokeRows !== wantStrokes) problems.push(`strokes.parquet has ${strokeRows} rows, samples.num_strokes adds up to ${wantStrokes}`);
  if (measureRows !== wantMeasures) {
    problems.push(`measures.parquet has ${measureRows} rows, samples.num_measures adds up to ${wantMeasures}`);
  }
  checks.push({
    name: 'stroke and measure rows add up',
    passed: strokeRows === wantStrokes && measureRows === wantMeasures,
    detail: `${strokeRows} strokes, ${measureRows} measures`,
  });

  // referenced media
  const withAudio = samples.filter((r) => r.audio_path !== null && r.audio_path !== undefined).length;
  if (withAudio > 0 && withAudio < samples.length) {
    problems.push(`${samples.length - withAudio} of ${samples.length} samples have no audio_path; publish needs audio for all or none`);
  }
  const paths = samples.flatMap((r) => [r.midi_path as string, ...(r.audio_path ? [r.audio_path as string] : [])]);
  const sizes = await mapLimit(paths, 32, (p) => io.fileSize(p));
  const mediaSizes = new Map<string, number>();
  const missing: string[] = [];
  paths.forEach((p, i) => {
    const s = sizes[i];
    if (s === null || s === undefined) missing.push(p);
    else mediaSizes.set(p, s);
  });
  if (missing.length > 0) problems.push(`${missing.length} referenced file(s) are missing: ${listSome(missing)}`);
  checks.push({
    name: 'referenced MIDI and audio files present',
    passed: missing.length === 0,
    detail: `${paths.length - missing.length} of ${paths.length} files`,
  });

  if (problems.length > 0) throw invalid(where, problems);
  const hasAudio = withAudio === samples.length && samples.length > 0;
  return {
    manifest,
    index,
    splits,
    samples,
    exercises,
    sampleFields: samplesT.fields,
    scoreFields,
    strokeRows,
    measureRows,
    hasAudio,
    mediaSizes,
    sampleRateHz: hasAudio ? sampleRateOf(samples, index) : null,
    checks,
  };
}

/** The one sample rate of the audio: samples.sample_rate when present and uniform, else index.json's. */
function sampleRateOf(samples: readonly SampleRow[], index: DatasetIndex): number | null {
  const rates = new Set(samples.map((s) => s.sample_rate).filter((v): v is number => typeof v === 'number'));
  if (rates.size === 1) return [...rates][0]!;
  if (rates.size > 1) return null; // mixed rates: declare Audio without a rate, each file carries its own
  return index.config?.sample_rate ?? null;
}

function invalid(where: string, problems: readonly string[]): DatasetError {
  return new DatasetError(
    'HUB_DATASET_INVALID',
    `${where} fails ${problems.length} check(s) needed to publish:\n  - ${problems.join('\n  - ')}\n` +
      'Fix: regenerate the dataset (sousa-wasm generate with the same options completes or repairs a run) and publish again.',
  );
}
