/**
 * `validateDataset`: every check of a generated dataset, in one streaming pass over the label
 * tables (row group by row group; strokes are grouped per sample as they come, so memory holds one
 * sample's strokes plus a small record per sample), then the files, the audio and the statistics.
 *
 * A damaged input never throws: a missing or corrupt file becomes a failed check naming it, and
 * the checks that depend on it are skipped with that reason.
 */
import { rngFor } from '../random/index.js';
import { loadParquetWasm, type ParquetWasm } from '../platform/parquet.js';
import { EXERCISE_COLUMNS, MEASURE_COLUMNS, NULLABLE_SCORES, SAMPLE_COLUMNS, SCORE_NAMES, SCORE_RANGES, STROKE_COLUMNS } from '../dataset/schema.js';
import { SKILL_TIERS } from '../profiles/types.js';
import { countSamples, type DatasetConfig } from '../dataset/plan.js';
import { VERSION } from '../version.js';
import { alignOnsets, audioLevels, checkFlacFile, DEFAULT_ALIGNMENT_OPTIONS, loadFlacDecoder, type FlacDecoding } from './audio.js';
import { checkSampleStrokes, expectedNullScores, type LabelTallies, type SampleInfo, type StrokeRow } from './labels.js';
import { compareMidi } from './midi.js';
import { mixToMono } from './onsets.js';
import {
  balanceChecks,
  correlationCheck,
  countBy,
  tempoBand,
  tempoDriftCheck,
  TEMPO_BANDS,
  tierAnovaCheck,
  tierOrderingCheck,
  timingSdCheck,
  velocityCvCheck,
} from './statistics.js';
import { boxStats, Histogram, mean, quantileSorted } from './stats.js';
import { ParquetTable, shortError, type Columns } from './tables.js';
import { fmt, result, Tally } from './tally.js';
import {
  DEFAULT_VALIDATE_OPTIONS,
  type CheckResult,
  type CheckStatus,
  type DatasetFigures,
  type DatasetReader,
  type ValidateEvent,
  type ValidateOptions,
  type ValidationReport,
} from './types.js';

const dec = new TextDecoder();
/** Audio length may differ from duration_sec by this much (one 441-sample block at 44.1 kHz). */
const DURATION_TOLERANCE_SEC = 0.01;
/** A file whose loudest sample is below this is silent, dBFS. */
const SILENT_PEAK_DBFS = -40;
/** More than this share of samples at full scale is clipping. */
const CLIPPED_FRACTION = 0.001;

interface JsonFile {
  value: Record<string, unknown> | null;
  problem: string | null;
}

async function readJson(reader: DatasetReader, path: string): Promise<JsonFile> {
  const bytes = await reader.readFile(path);
  if (bytes === null) return { value: null, problem: `${path}: missing` };
  try {
    const v = JSON.parse(dec.decode(bytes)) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return { value: null, problem: `${path}: expected a JSON object` };
    return { value: v as Record<string, unknown>, problem: null };
  } catch (e) {
    return { value: null, problem: `${path}: not valid JSON (${shortError(e)})` };
  }
}

/** Collected check results with the strict-mode rule applied. */
class Results {
  readonly list: CheckResult[] = [];
  add(r: CheckResult): CheckResult {
    this.list.push(r);
    return r;
  }
}

function tallyResult(
  id: string,
  group: CheckResult['group'],
  title: string,
  tally: Tally,
  checked: number,
  unit: string,
  passText: string,
  extra: Record<string, number> = {},
): CheckResult {
  const numbers = { checked, problems: tally.count, ...extra };
  if (tally.count > 0) return result(id, group, title, 'fail', `${tally.count} problem(s) in ${checked} ${unit}; first: ${tally.details[0]}`, numbers, tally.details);
  return result(id, group, title, 'pass', passText, numbers);
}

function emptyFigures(): DatasetFigures {
  return {
    samples: 0,
    strokes: 0,
    measures: 0,
    profiles: 0,
    samplesPerTier: {},
    profilesPerTier: {},
    samplesPerRudiment: {},
    samplesPerSplit: {},
    samplesPerPreset: {},
    samplesPerSoundfont: {},
    samplesPerTempoBand: {},
    tempoHistogram: { lo: 40, width: 10, counts: [], under: 0, over: 0 },
    scoreBoxes: {},
    timingErrorHistograms: {},
    timingErrorBoxes: {},
  };
}

/** Append the rows of one samples.parquet row group as {@link SampleInfo} records (missing columns read as null/NaN). */
export function readSamples(cols: Columns, out: SampleInfo[]): void {
  const n = cols.numRows;
  const str = (name: string) => (cols.has(name) ? cols.strings(name) : new Array<string | null>(n).fill(null));
  const num = (name: string) => (cols.has(name) ? cols.numbers(name) : new Float64Array(n).fill(Number.NaN));
  const [id, profile, slug, tier, lead, split, midi, audio, sf, preset] = [
    'sample_id',
    'profile_id',
    'rudiment_slug',
    'skill_tier',
    'lead_hand',
    'split',
    'midi_path',
    'audio_path',
    'soundfont',
    'augmentation_preset',
  ].map(str);
  const [tempo, cycles, strokes, measures, duration, frames, rate] = ['tempo_bpm', 'num_cycles', 'num_strokes', 'num_measures', 'duration_sec', 'num_samples', 'sample_rate'].map(num);
  for (let i = 0; i < n; i++) {
    out.push({
      ordinal: out.length,
      id: id![i] ?? '',
      profileId: profile![i] ?? '',
      slug: slug![i] ?? '',
      tier: tier![i] ?? '',
      tempoBpm: tempo![i]!,
      numCycles: cycles![i]!,
      leadHand: lead![i] ?? '',
      numStrokes: strokes![i]!,
      numMeasures: measures![i]!,
      midiPath: midi![i] ?? null,
      audioPath: audio![i] ?? null,
      split: split![i] ?? '',
      soundfont: sf![i] ?? null,
      preset: preset![i] ?? '',
      durationSec: duration![i]!,
      audioFrames: frames![i]!,
      audioRateHz: rate![i]!,
      scores: null,
      scoreNulls: null,
      exerciseRows: 0,
      measureRows: 0,
      strokeRows: 0,
      measures: [],
      strokesSeen: false,
      timingResidualSumSq: 0,
      timingResidualCount: 0,
      velocityCv: Number.NaN,
      driftPct: Number.NaN,
    });
  }
}

function strokeRowsOf(cols: Columns): StrokeRow[] {
  const n = cols.numRows;
  const num = (name: string) => (cols.has(name) ? cols.numbers(name) : new Float64Array(n).fill(Number.NaN));
  const bool = (name: string) => (cols.has(name) ? cols.bools(name) : new Uint8Array(n));
  const str = (name: string) => (cols.has(name) ? cols.strings(name) : new Array<string | null>(n).fill(null));
  const index = num('index');
  const hand = str('hand');
  const type = str('stroke_type');
  const it = num('intended_time_ms');
  const at = num('actual_time_ms');
  const te = num('timing_error_ms');
  const iv = num('intended_velocity');
  const av = num('actual_velocity');
  const ve = num('velocity_error');
  const grace = bool('is_grace_note');
  const accent = bool('is_accent');
  const bounce = bool('is_buzz_bounce');
  const diddle = num('diddle_position');
  const spacing = num('flam_spacing_ms');
  const parent = num('parent_stroke_index');
  const buzz = num('buzz_count');
  const cycle = num('cycle_index');
  const rows: StrokeRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    rows[i] = {
      index: index[i]!,
      hand: hand[i] ?? null,
      strokeType: type[i] ?? null,
      intendedTimeMs: it[i]!,
      actualTimeMs: at[i]!,
      timingErrorMs: te[i]!,
      intendedVelocity: iv[i]!,
      actualVelocity: av[i]!,
      velocityError: ve[i]!,
      isGraceNote: grace[i] === 1,
      isAccent: accent[i] === 1,
      isBuzzBounce: bounce[i] === 1,
      diddlePosition: diddle[i]!,
      flamSpacingMs: spacing[i]!,
      parentStrokeIndex: parent[i]!,
      buzzCount: buzz[i]!,
      cycleIndex: cycle[i]!,
    };
  }
  return rows;
}

/** Validate a dataset, yielding progress events and each check as it is decided; returns the report. */
export async function* validateDatasetIter(reader: DatasetReader, options?: Partial<ValidateOptions>): AsyncGenerator<ValidateEvent, ValidationReport> {
  const t0 = performance.now();
  const opts: ValidateOptions = { ...DEFAULT_VALIDATE_OPTIONS, ...options };
  const results = new Results();
  const emit = function* (r: CheckResult): Generator<ValidateEvent> {
    results.add(r);
    yield { type: 'check', result: r };
  };
  const tally = () => new Tally(opts.maxDetails);

  // ---- metadata files ----
  yield { type: 'stage', stage: 'metadata' };
  const manifest = await readJson(reader, 'manifest.json');
  const index = await readJson(reader, 'index.json');
  const splitsJson = await readJson(reader, 'splits.json');
  const config = (manifest.value?.config ?? null) as { rudiments?: unknown; seed?: unknown } | null;
  const configuredRudiments = Array.isArray(config?.rudiments) ? (config.rudiments as string[]) : null;

  // ---- Parquet: schema, then samples and exercises in full ----
  yield { type: 'stage', stage: 'parquet' };
  let pq: ParquetWasm;
  try {
    pq = await loadParquetWasm();
  } catch (e) {
    yield* emit(result('parquet_integrity', 'integrity', 'Parquet files readable with the expected columns', 'fail', `parquet-wasm could not be loaded: ${shortError(e)}`));
    return finish(results, emptyFigures(), t0);
  }
  const open = async (name: string, spec: typeof SAMPLE_COLUMNS) => ParquetTable.open(pq, `labels/${name}.parquet`, await reader.readFile(`labels/${name}.parquet`), spec);
  const tSamples = await open('samples', SAMPLE_COLUMNS);
  const tExercises = await open('exercises', EXERCISE_COLUMNS);
  const tMeasures = await open('measures', MEASURE_COLUMNS);
  const tStrokes = await open('strokes', STROKE_COLUMNS);

  const samples: SampleInfo[] = [];
  const canUse = (t: ParquetTable, col: string) => t.readable && t.usableColumns.includes(col);
  if (canUse(tSamples, 'sample_id')) for await (const cols of tSamples.rowGroups(tSamples.usableColumns)) readSamples(cols, samples);
  const samplesOk = canUse(tSamples, 'sample_id') && tSamples.rowsRead === tSamples.numRows;
  const byId = new Map<string, SampleInfo>();
  const dupSamples = tally();
  for (const s of samples) {
    if (byId.has(s.id)) dupSamples.add(`samples.parquet: sample_id ${s.id} appears more than once`);
    else byId.set(s.id, s);
  }

  const refs = {
    exerciseOrphans: tally(),
    measureOrphans: tally(),
    strokeOrphans: tally(),
    missing: tally(),
    split: tally(),
  };
  const dupExercises = tally();
  if (samplesOk && canUse(tExercises, 'sample_id')) {
    const scoreCols = SCORE_NAMES.filter((n) => tExercises.usableColumns.includes(n));
    for await (const cols of tExercises.rowGroups(tExercises.usableColumns)) {
      const ids = cols.strings('sample_id');
      const values = SCORE_NAMES.map((n) => (scoreCols.includes(n) ? cols.numbers(n) : null));
      const nulls = SCORE_NAMES.map((n) => (scoreCols.includes(n) ? cols.nulls(n) : null));
      for (let i = 0; i < cols.numRows; i++) {
        const s = byId.get(ids[i] ?? '');
        if (!s) {
          refs.exerciseOrphans.add(`exercises.parquet row for unknown sample ${ids[i]}`);
          continue;
        }
        s.exerciseRows++;
        if (s.exerciseRows > 1) {
          dupExercises.add(`exercises.parquet: sample_id ${s.id} appears ${s.exerciseRows} times`);
          continue;
        }
        s.scores = new Float64Array(SCORE_NAMES.length).fill(Number.NaN);
        s.scoreNulls = new Uint8Array(SCORE_NAMES.length).fill(1);
        for (let k = 0; k < SCORE_NAMES.length; k++) {
          if (values[k] === null) continue;
          s.scores[k] = values[k]![i]!;
          s.scoreNulls[k] = nulls[k]![i]!;
        }
      }
    }
  }

  // ---- measures, streamed ----
  yield { type: 'stage', stage: 'measures' };
  const labelTallies: LabelTallies = { strokeIndices: tally(), strokeValues: tally(), measureStructure: tally(), sticking: tally() };
  let measureRowsTotal = 0;
  if (samplesOk && canUse(tMeasures, 'sample_id')) {
    let current: SampleInfo | null = null;
    let currentId = '';
    const closed = new Set<string>();
    const misnumbered = new Set<string>();
    for await (const cols of tMeasures.rowGroups(tMeasures.usableColumns)) {
      const ids = cols.strings('sample_id');
      const num = (name: string) => (cols.has(name) ? cols.numbers(name) : new Float64Array(cols.numRows).fill(Number.NaN));
      const [idx, start, end, tm, tsd, tmax, vm, vsd, vc] = [
        'index',
        'stroke_start',
        'stroke_end',
        'timing_mean_error_ms',
        'timing_std_ms',
        'timing_max_error_ms',
        'velocity_mean',
        'velocity_std',
        'velocity_consistency',
      ].map(num);
      for (let i = 0; i < cols.numRows; i++) {
        measureRowsTotal++;
        const id = ids[i] ?? '';
        if (id !== currentId) {
          if (currentId) closed.add(currentId);
          currentId = id;
          current = byId.get(id) ?? null;
          if (current && closed.has(id)) labelTallies.measureStructure.add(`${id}: measure rows are not contiguous in measures.parquet`);
          if (!current) refs.measureOrphans.add(`measures.parquet rows for unknown sample ${id}`);
        }
        if (!current) continue;
        const k = current.measureRows++;
        if (idx![i] !== k && !misnumbered.has(id)) {
          misnumbered.add(id);
          labelTallies.measureStructure.add(`${id}: measure row ${k} has index ${idx![i]}, expected ${k} (a measure row is missing or out of order)`);
        }
        const values = [tm![i]!, tsd![i]!, tmax![i]!, vm![i]!, vsd![i]!, vc![i]!];
        if (!values.every(Number.isFinite)) {
          labelTallies.measureStructure.add(`${id}: measure ${k} has a non-finite value (${values.join(', ')})`);
        } else if (Math.abs(vc![i]! - (1 - vsd![i]! / vm![i]!)) > 1e-9) {
          labelTallies.measureStructure.add(`${id}: measure ${k} velocity_consistency ${vc![i]} ≠ 1 − std/mean = ${1 - vsd![i]! / vm![i]!}`);
        }
        if (k > 0 && current.measures[4 * (k - 1) + 1] !== start![i]) {
          labelTallies.measureStructure.add(`${id}: measure ${k} starts at stroke ${start![i]}, the previous one ends at ${current.measures[4 * (k - 1) + 1]}`);
        }
        if (!(end![i]! > start![i]!)) labelTallies.measureStructure.add(`${id}: measure ${k} has stroke range ${start![i]}..${end![i]}`);
        current.measures.push(start![i]!, end![i]!, tm![i]!, vm![i]!);
      }
    }
  }

  // ---- strokes, streamed and grouped per sample; MIDI compared as each sample closes ----
  yield { type: 'stage', stage: 'strokes' };
  const midiTally = tally();
  const midiMissing = tally();
  let midiChecked = 0;
  let midiNotes = 0;
  let midiMaxDiff = 0;
  let strokeRowsTotal = 0;
  const hist = new Map<string, Histogram>();
  for (const t of SKILL_TIERS) hist.set(t, new Histogram(-200, 2, 200));

  const withAudio = samples.filter((s) => s.audioPath !== null);
  const onsetIds = new Set(
    rngFor(opts.seed, 'validate/onsets')
      .sample(withAudio, Math.min(withAudio.length, opts.onsetFiles))
      .map((s) => s.id),
  );
  const keptRows = new Map<string, StrokeRow[]>();

  const strokesOk = samplesOk && canUse(tStrokes, 'sample_id');
  if (strokesOk) {
    let group: StrokeRow[] = [];
    let groupSample: SampleInfo | null = null;
    let groupId = '';
    let done = 0;
    const step = Math.max(1, Math.floor(samples.length / 100));
    const close = async (): Promise<void> => {
      const s = groupSample;
      if (!s) return;
      if (s.strokesSeen) {
        labelTallies.strokeIndices.add(`${s.id}: stroke rows are not contiguous in strokes.parquet (found in two places)`);
        return;
      }
      s.strokesSeen = true;
      checkSampleStrokes(s, group, labelTallies);
      const h = hist.get(s.tier);
      if (h) for (const r of group) if (!r.isGraceNote && !r.isBuzzBounce && Number.isFinite(r.timingErrorMs)) h.add(r.timingErrorMs);
      if (onsetIds.has(s.id)) keptRows.set(s.id, group);
      if (s.midiPath !== null) {
        const bytes = await reader.readFile(s.midiPath);
        if (bytes === null) midiMissing.add(`${s.id}: ${s.midiPath} missing`);
        else {
          const c = compareMidi(s, group, bytes);
          midiChecked++;
          midiNotes += c.notes;
          if (c.maxTimeDiffMs > midiMaxDiff) midiMaxDiff = c.maxTimeDiffMs;
          if (c.problem !== null) midiTally.add(`${s.id}: ${c.problem}`);
        }
      } else midiMissing.add(`${s.id}: midi_path is null`);
    };
    for await (const cols of tStrokes.rowGroups(tStrokes.usableColumns)) {
      const ids = cols.strings('sample_id');
      const rows = strokeRowsOf(cols);
      for (let i = 0; i < rows.length; i++) {
        strokeRowsTotal++;
        const id = ids[i] ?? '';
        if (id !== groupId) {
          await close();
          opts.signal?.throwIfAborted();
          if (++done % step === 0) yield { type: 'progress', stage: 'strokes', done, total: samples.length };
          groupId = id;
          group = [];
          groupSample = byId.get(id) ?? null;
          if (!groupSample) refs.strokeOrphans.add(`strokes.parquet rows for unknown sample ${id}`);
        }
        if (groupSample) {
          groupSample.strokeRows++;
          group.push(rows[i]!);
        }
      }
    }
    await close();
  }

  // ---- integrity results ----
  // File-level damage first (missing, unreadable, a row group that does not decode), then column problems.
  const fileLevel = (p: string) => (/: (missing|unreadable|row group)/.test(p) ? 0 : 1);
  const pqProblems = [tSamples, tExercises, tMeasures, tStrokes].flatMap((t) => t.problems).sort((a, b) => fileLevel(a) - fileLevel(b));
  const tables = { samples: tSamples, exercises: tExercises, measures: tMeasures, strokes: tStrokes };
  const pqNumbers: Record<string, number> = {};
  for (const [k, t] of Object.entries(tables)) {
    pqNumbers[`${k}.rows`] = t.numRows;
    pqNumbers[`${k}.rowGroups`] = t.numRowGroups;
    pqNumbers[`${k}.rowsRead`] = t.rowsRead;
  }
  yield* emit(
    pqProblems.length
      ? result('parquet_integrity', 'integrity', 'Parquet files readable with the expected columns', 'fail', `${pqProblems.length} problem(s): ${pqProblems[0]}`, pqNumbers, pqProblems.slice(0, opts.maxDetails))
      : result(
          'parquet_integrity',
          'integrity',
          'Parquet files readable with the expected columns',
          'pass',
          `4 files, ${Object.values(tables).reduce((n, t) => n + t.numRows, 0)} rows, every row group decoded, every column present with its type`,
          pqNumbers,
        ),
  );

  // Manifest and index.json.
  {
    const problems: string[] = [];
    if (manifest.problem) problems.push(manifest.problem);
    else {
      if (manifest.value!.generator !== 'sousa-wasm') problems.push(`manifest.json: generator must be "sousa-wasm", got ${JSON.stringify(manifest.value!.generator)}`);
      const status = manifest.value!.status;
      if (status === 'shard_complete') problems.push('manifest.json: status is "shard_complete": this is one shard; join the shards with "sousa-wasm merge" and validate the result');
      else if (status !== 'complete') problems.push(`manifest.json: status is ${JSON.stringify(status)}, expected "complete" (the run did not finish; rerun generate with --resume)`);
      const planned = plannedSamples(config);
      if (samplesOk && planned !== null && planned !== samples.length) {
        problems.push(`the manifest's configuration plans ${planned} samples, samples.parquet has ${samples.length}`);
      }
    }
    if (index.problem) problems.push(index.problem);
    else if (samplesOk) {
      const ids = index.value!.sample_ids;
      if (index.value!.num_samples !== samples.length) problems.push(`index.json: num_samples ${JSON.stringify(index.value!.num_samples)}, samples.parquet has ${samples.length} rows`);
      if (!Array.isArray(ids)) problems.push('index.json: sample_ids must be an array');
      else {
        const firstDiff = ids.findIndex((x, i) => x !== samples[i]?.id);
        if (ids.length !== samples.length || firstDiff >= 0) {
          problems.push(`index.json: sample_ids differ from samples.parquet (${ids.length} vs ${samples.length} ids; first difference at position ${firstDiff >= 0 ? firstDiff : Math.min(ids.length, samples.length)})`);
        }
      }
    }
    yield* emit(
      problems.length
        ? result('metadata_files', 'integrity', 'manifest.json and index.json present and consistent', 'fail', problems.join('; '), { problems: problems.length }, problems)
        : result('metadata_files', 'integrity', 'manifest.json and index.json present and consistent', 'pass', `run complete with the ${samples.length} samples its configuration plans; index.json lists them in order`, { samples: samples.length, planned: plannedSamples(config) }),
    );
  }

  const needSamples = (id: string, group: CheckResult['group'], title: string): CheckResult =>
    result(id, group, title, 'skip', `samples.parquet is not usable (${tSamples.problems[0] ?? 'no rows'})`);

  if (!samplesOk) {
    for (const [id, group, title] of [
      ['unique_ids', 'integrity', 'Unique sample ids'],
      ['table_references', 'integrity', 'References between tables'],
    ] as const) {
      yield* emit(needSamples(id, group, title));
    }
  } else {
    const dups = [...dupSamples.details, ...dupExercises.details];
    yield* emit(
      dupSamples.count + dupExercises.count
        ? result('unique_ids', 'integrity', 'Unique sample ids', 'fail', `${dupSamples.count} duplicate id(s) in samples.parquet, ${dupExercises.count} in exercises.parquet`, { samples: dupSamples.count, exercises: dupExercises.count }, dups)
        : result('unique_ids', 'integrity', 'Unique sample ids', 'pass', `${samples.length} distinct sample ids`, { samples: 0, exercises: 0 }),
    );
    for (const s of samples) {
      if (tExercises.readable && s.exerciseRows === 0) refs.missing.add(`${s.id}: no row in exercises.parquet`);
      if (tMeasures.readable && s.measureRows === 0) refs.missing.add(`${s.id}: no rows in measures.parquet`);
      if (tStrokes.readable && s.strokeRows === 0) refs.missing.add(`${s.id}: no rows in strokes.parquet`);
    }
    const readableTables = [
      ['exercises', tExercises],
      ['measures', tMeasures],
      ['strokes', tStrokes],
    ]
      .filter(([, t]) => (t as ParquetTable).readable)
      .map(([n]) => n as string);
    const orphanCount = refs.exerciseOrphans.count + refs.measureOrphans.count + refs.strokeOrphans.count;
    const numbers = {
      exerciseOrphans: refs.exerciseOrphans.count,
      measureOrphans: refs.measureOrphans.count,
      strokeOrphans: refs.strokeOrphans.count,
      samplesMissingRows: refs.missing.count,
    };
    const details = [...refs.exerciseOrphans.details, ...refs.measureOrphans.details, ...refs.strokeOrphans.details, ...refs.missing.details].slice(0, opts.maxDetails);
    yield* emit(
      orphanCount + refs.missing.count
        ? result('table_references', 'integrity', 'References between tables', 'fail', `${orphanCount} orphan row group(s), ${refs.missing.count} sample(s) without rows; first: ${details[0]}`, numbers, details)
        : result(
            'table_references',
            'integrity',
            'References between tables',
            'pass',
            `every ${readableTables.join(', ')} row belongs to a sample; every sample has rows in ${readableTables.length === 3 ? 'all three' : 'each'}${readableTables.length < 3 ? ` (not checked: ${['exercises', 'measures', 'strokes'].filter((t) => !readableTables.includes(t)).join(', ')}, unreadable)` : ''}`,
            numbers,
          ),
    );
  }

  // ---- label checks ----
  if (!samplesOk) {
    for (const [id, title] of [
      ['score_ranges', 'All 15 scores finite and in range'],
      ['stroke_counts', 'num_strokes equals the stroke rows'],
      ['measure_counts', 'num_measures equals the measure rows and num_cycles'],
      ['stroke_indices', 'Stroke indices 0..n−1, chronological'],
      ['stroke_values', 'Stroke values consistent'],
      ['measure_structure', 'Measures frame the strokes of their cycle'],
      ['sticking', 'Sticking of every cycle matches the rudiment'],
      ['midi_labels', 'MIDI notes equal the stroke labels'],
    ] as const) {
      yield* emit(needSamples(id, 'labels', title));
    }
  } else {
    // Scores.
    if (!tExercises.readable) {
      yield* emit(result('score_ranges', 'labels', 'All 15 scores finite and in range', 'skip', `exercises.parquet is not usable (${tExercises.problems[0]})`));
    } else {
      const t = tally();
      const numbers: Record<string, number> = {};
      const lo = new Array<number>(SCORE_NAMES.length).fill(Infinity);
      const hi = new Array<number>(SCORE_NAMES.length).fill(-Infinity);
      const nullCount = new Array<number>(SCORE_NAMES.length).fill(0);
      let checked = 0;
      for (const s of samples) {
        if (!s.scores || !s.scoreNulls) continue;
        checked++;
        const expectNull = expectedNullScores(s);
        SCORE_NAMES.forEach((name, k) => {
          const isNull = s.scoreNulls![k] === 1;
          const v = s.scores![k]!;
          const [a, b] = SCORE_RANGES[name];
          if (isNull) {
            nullCount[k]!++;
            const allowed =
              NULLABLE_SCORES.has(name) &&
              (expectNull === null ||
                (name === 'flam_quality' && expectNull.flam) ||
                (name === 'diddle_quality' && expectNull.diddle) ||
                (name === 'roll_sustain' && expectNull.roll));
            if (!allowed) t.add(`${s.id}: ${name} is null, expected a value (${NULLABLE_SCORES.has(name) ? `the rudiment ${s.slug} has what it scores` : 'never null'})`);
            return;
          }
          if (!Number.isFinite(v)) t.add(`${s.id}: ${name} = ${v}, expected a finite number`);
          else if (v < a || v > b) t.add(`${s.id}: ${name} = ${v}, expected ${a}..${b}`);
          else if (expectNull !== null && ((name === 'flam_quality' && expectNull.flam) || (name === 'diddle_quality' && expectNull.diddle) || (name === 'roll_sustain' && expectNull.roll))) {
            t.add(`${s.id}: ${name} = ${v}, expected null (${s.slug} has nothing it scores)`);
          }
          if (Number.isFinite(v)) {
            if (v < lo[k]!) lo[k] = v;
            if (v > hi[k]!) hi[k] = v;
          }
        });
      }
      SCORE_NAMES.forEach((name, k) => {
        numbers[`${name}.min`] = lo[k]!;
        numbers[`${name}.max`] = hi[k]!;
        numbers[`${name}.nulls`] = nullCount[k]!;
      });
      yield* emit(tallyResult('score_ranges', 'labels', 'All 15 scores finite and in range', t, checked, 'samples', `15 scores × ${checked} samples in range; nulls only where the rudiment lacks flams, diddles or a roll`, numbers));
    }
    // Row counts.
    {
      const ts = tally();
      const tm = tally();
      for (const s of samples) {
        if (tStrokes.readable && s.strokeRows !== s.numStrokes) ts.add(`${s.id}: num_strokes ${s.numStrokes}, strokes.parquet has ${s.strokeRows} rows`);
        if (tMeasures.readable && s.measureRows !== s.numMeasures) tm.add(`${s.id}: num_measures ${s.numMeasures}, measures.parquet has ${s.measureRows} rows`);
        else if (s.numMeasures !== s.numCycles) tm.add(`${s.id}: num_measures ${s.numMeasures} ≠ num_cycles ${s.numCycles}`);
      }
      yield* emit(
        tStrokes.readable
          ? tallyResult('stroke_counts', 'labels', 'num_strokes equals the stroke rows', ts, samples.length, 'samples', `${strokeRowsTotal} stroke rows, as samples.num_strokes says`, { strokeRows: strokeRowsTotal })
          : result('stroke_counts', 'labels', 'num_strokes equals the stroke rows', 'skip', `strokes.parquet is not usable (${tStrokes.problems[0]})`),
      );
      yield* emit(
        tMeasures.readable
          ? tallyResult('measure_counts', 'labels', 'num_measures equals the measure rows and num_cycles', tm, samples.length, 'samples', `${measureRowsTotal} measure rows, one per cycle`, { measureRows: measureRowsTotal })
          : result('measure_counts', 'labels', 'num_measures equals the measure rows and num_cycles', 'skip', `measures.parquet is not usable (${tMeasures.problems[0]})`),
      );
    }
    const strokeSkip = (id: string, title: string) => result(id, 'labels', title, 'skip', `strokes.parquet is not usable (${tStrokes.problems[0]})`);
    if (!strokesOk) {
      for (const [id, title] of [
        ['stroke_indices', 'Stroke indices 0..n−1, chronological'],
        ['stroke_values', 'Stroke values consistent'],
        ['measure_structure', 'Measures frame the strokes of their cycle'],
        ['sticking', 'Sticking of every cycle matches the rudiment'],
        ['midi_labels', 'MIDI notes equal the stroke labels'],
      ] as const) {
        yield* emit(strokeSkip(id, title));
      }
    } else {
      const n = samples.length;
      yield* emit(tallyResult('stroke_indices', 'labels', 'Stroke indices 0..n−1, chronological', labelTallies.strokeIndices, n, 'samples', `indices 0..n−1 in order for all ${n} samples`));
      yield* emit(
        tallyResult('stroke_values', 'labels', 'Stroke values consistent', labelTallies.strokeValues, strokeRowsTotal, 'strokes', `${strokeRowsTotal} strokes: velocities 1..127, errors = recomputed values, graces and bounces attached to primaries`),
      );
      yield* emit(
        tMeasures.readable
          ? tallyResult('measure_structure', 'labels', 'Measures frame the strokes of their cycle', labelTallies.measureStructure, measureRowsTotal, 'measures', `${measureRowsTotal} measures: contiguous stroke ranges, cycle_index and means agree with the strokes`)
          : result('measure_structure', 'labels', 'Measures frame the strokes of their cycle', 'skip', `measures.parquet is not usable (${tMeasures.problems[0]})`),
      );
      const cycles = samples.reduce((a, s) => a + (Number.isFinite(s.numCycles) ? s.numCycles : 0), 0);
      yield* emit(
        tallyResult('sticking', 'labels', 'Sticking of every cycle matches the rudiment', labelTallies.sticking, cycles, 'cycles', `all ${cycles} cycles of ${n} samples: hands, accents, diddles, buzz and ornaments as written`, { cycles }),
      );
      const midiFail = midiTally.count + midiMissing.count;
      const midiNumbers = { samples: n, filesCompared: midiChecked, notesCompared: midiNotes, maxTimeDiffMs: midiMaxDiff, mismatched: midiTally.count, missing: midiMissing.count };
      yield* emit(
        midiFail
          ? result(
              'midi_labels',
              'labels',
              'MIDI notes equal the stroke labels',
              'fail',
              `${midiTally.count} file(s) disagree with their labels, ${midiMissing.count} missing; first: ${[...midiTally.details, ...midiMissing.details][0]}`,
              midiNumbers,
              [...midiTally.details, ...midiMissing.details].slice(0, opts.maxDetails),
            )
          : result('midi_labels', 'labels', 'MIDI notes equal the stroke labels', 'pass', `${midiChecked} files, ${midiNotes} notes: times within one tick (max ${fmt(midiMaxDiff, 3)} ms), exact velocities, channel 10, key 38`, midiNumbers),
      );
    }
  }

  // ---- files and splits ----
  yield { type: 'stage', stage: 'files' };
  const present = new Set<string>();
  const listDir = async (root: string) => {
    for (const slug of await reader.list(root)) for (const f of await reader.list(`${root}/${slug}`)) present.add(`${root}/${slug}/${f}`);
  };
  await listDir('midi');
  await listDir('audio');
  if (samplesOk) {
    const t = tally();
    const referenced = new Set<string>();
    let midiRefs = 0;
    let audioRefs = 0;
    for (const s of samples) {
      if (s.midiPath === null) t.add(`${s.id}: midi_path is null (every sample has a MIDI file)`);
      else {
        midiRefs++;
        referenced.add(s.midiPath);
        if (!present.has(s.midiPath)) t.add(`${s.id}: ${s.midiPath} does not exist`);
      }
      if (s.audioPath !== null) {
        audioRefs++;
        referenced.add(s.audioPath);
        if (!present.has(s.audioPath)) t.add(`${s.id}: ${s.audioPath} does not exist`);
      }
    }
    const extra = [...present].filter((p) => !referenced.has(p) && !p.split('/').pop()!.startsWith('.'));
    const numbers = { midiReferenced: midiRefs, audioReferenced: audioRefs, missing: t.count, unreferencedFiles: extra.length };
    if (t.count) yield* emit(result('files_exist', 'files', 'MIDI and audio files exist', 'fail', `${t.count} referenced file(s) missing; first: ${t.details[0]}`, numbers, t.details));
    else if (extra.length)
      yield* emit(result('files_exist', 'files', 'MIDI and audio files exist', 'warn', `${extra.length} file(s) under midi/ or audio/ belong to no sample, e.g. ${extra[0]}`, numbers, extra.slice(0, opts.maxDetails)));
    else yield* emit(result('files_exist', 'files', 'MIDI and audio files exist', 'pass', `${midiRefs} MIDI and ${audioRefs} audio files, all present, none unreferenced`, numbers));

    yield* emit(splitsCheck(samples, splitsJson, opts));
  } else {
    yield* emit(needSamples('files_exist', 'files', 'MIDI and audio files exist'));
    yield* emit(needSamples('splits', 'files', 'splits.json consistent with samples.split'));
  }

  // ---- audio ----
  yield { type: 'stage', stage: 'audio' };
  for await (const r of audioChecks(reader, samples, present, keptRows, opts)) yield* emit(r);

  // ---- statistics and balance ----
  yield { type: 'stage', stage: 'statistics' };
  const scored = samplesOk ? samples.filter((s) => s.scores !== null) : [];
  const statsUsable = samplesOk && tExercises.readable && tStrokes.readable;
  const statChecks: [string, string, () => CheckResult][] = [
    ['tier_ordering', 'Tier ordering of the main scores', () => tierOrderingCheck(scored, opts)],
    ['tier_anova', 'Tier separation (ANOVA)', () => tierAnovaCheck(scored, opts)],
    ['timing_sd_realism', 'Timing SD per tier', () => timingSdCheck(samples.filter((s) => s.strokesSeen), opts)],
    ['velocity_cv_realism', 'Velocity CV per tier', () => velocityCvCheck(samples.filter((s) => s.strokesSeen), opts)],
    ['tempo_drift_realism', 'Tempo drift per tier', () => tempoDriftCheck(samples.filter((s) => s.strokesSeen), opts)],
    ['score_correlations', 'Expected correlations between scores', () => correlationCheck(scored, opts)],
  ];
  for (const [id, title, run] of statChecks) {
    yield* emit(statsUsable ? run() : result(id, 'statistics', title, 'skip', 'needs readable samples, exercises and strokes tables'));
  }
  if (samplesOk) for (const r of balanceChecks(samples, configuredRudiments, opts)) yield* emit(r);
  else for (const id of ['rudiment_balance', 'tier_balance', 'tempo_balance', 'soundfont_balance', 'preset_balance']) yield* emit(needSamples(id, 'balance', id));

  return finish(results, figuresOf(samplesOk ? samples : [], hist, strokeRowsTotal, measureRowsTotal), t0);
}

/** Samples the manifest's configuration plans, or null when it cannot be read as one. */
function plannedSamples(config: unknown): number | null {
  const c = config as Partial<DatasetConfig> | null;
  if (!c || typeof c.profiles !== 'number' || typeof c.temposPerRudiment !== 'number' || !Array.isArray(c.rudiments)) return null;
  try {
    return countSamples(c as DatasetConfig);
  } catch {
    return null;
  }
}

function finish(results: Results, figures: DatasetFigures, t0: number): ValidationReport {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results.list) counts[r.status]++;
  return { validatorVersion: VERSION, passed: counts.fail === 0, counts, checks: results.list, figures, elapsedMs: performance.now() - t0 };
}

function splitsCheck(samples: readonly SampleInfo[], file: JsonFile, opts: ValidateOptions): CheckResult {
  const id = 'splits';
  const title = 'splits.json consistent with samples.split; no profile in two splits';
  if (file.problem) return result(id, 'files', title, 'fail', file.problem);
  const v = file.value!;
  const lists: [string, unknown][] = [
    ['train', v.train_profile_ids],
    ['validation', v.val_profile_ids],
    ['test', v.test_profile_ids],
  ];
  const t = new Tally(opts.maxDetails);
  const splitOf = new Map<string, string>();
  for (const [name, ids] of lists) {
    if (!Array.isArray(ids)) {
      t.add(`splits.json: ${name === 'validation' ? 'val' : name}_profile_ids must be an array`);
      continue;
    }
    for (const p of ids as unknown[]) {
      const pid = String(p);
      if (splitOf.has(pid)) t.add(`profile ${pid} is in both ${splitOf.get(pid)} and ${name}`);
      else splitOf.set(pid, name);
    }
  }
  const profiles = new Map<string, string>();
  for (const s of samples) {
    const listed = splitOf.get(s.profileId);
    if (listed === undefined) {
      if (!profiles.has(s.profileId)) t.add(`profile ${s.profileId} (${s.id}) is in no split of splits.json`);
    } else if (listed !== s.split) t.add(`${s.id}: split ${JSON.stringify(s.split)}, splits.json puts profile ${s.profileId} in ${listed}`);
    const seen = profiles.get(s.profileId);
    if (seen !== undefined && seen !== s.split) t.add(`profile ${s.profileId} has samples in ${seen} and ${s.split}`);
    profiles.set(s.profileId, s.split);
  }
  for (const pid of splitOf.keys()) if (!profiles.has(pid)) t.add(`splits.json lists profile ${pid}, which has no samples`);
  const stats = v.stats as Record<string, unknown> | undefined;
  const counts = countBy([...splitOf.values()], (x) => x, ['train', 'validation', 'test']);
  if (stats && typeof stats === 'object') {
    for (const [key, name] of [
      ['train_profiles', 'train'],
      ['val_profiles', 'validation'],
      ['test_profiles', 'test'],
    ] as const) {
      if (stats[key] !== counts[name]) t.add(`splits.json: stats.${key} is ${JSON.stringify(stats[key])}, the list has ${counts[name]}`);
    }
  }
  const bySamples = countBy(samples, (s) => s.split, ['train', 'validation', 'test']);
  const numbers: Record<string, number> = {};
  for (const k of ['train', 'validation', 'test']) {
    numbers[`profiles.${k}`] = counts[k] ?? 0;
    numbers[`samples.${k}`] = bySamples[k] ?? 0;
  }
  if (t.count) return result(id, 'files', title, 'fail', `${t.count} problem(s); first: ${t.details[0]}`, numbers, t.details);
  return result(id, 'files', title, 'pass', `profiles train/validation/test ${counts.train}/${counts.validation}/${counts.test}, samples ${bySamples.train}/${bySamples.validation}/${bySamples.test}`, numbers);
}

async function* audioChecks(
  reader: DatasetReader,
  samples: readonly SampleInfo[],
  present: ReadonlySet<string>,
  keptRows: ReadonlyMap<string, StrokeRow[]>,
  opts: ValidateOptions,
): AsyncGenerator<CheckResult> {
  const withAudio = samples.filter((s) => s.audioPath !== null && present.has(s.audioPath));
  const titles = {
    flac_integrity: 'FLAC files decode, match STREAMINFO and duration_sec',
    audio_levels: 'Audio neither silent nor clipped',
    onset_alignment: 'Audio onsets where the labels put the strokes',
  };
  if (withAudio.length === 0) {
    const why = samples.some((s) => s.audioPath !== null) ? 'no referenced audio file exists (see files_exist)' : 'no audio in this dataset (audio_path is null everywhere)';
    for (const [id, title] of Object.entries(titles)) yield result(id, 'audio', title, 'skip', why);
    return;
  }
  let decoder: FlacDecoding;
  try {
    decoder = await loadFlacDecoder();
  } catch (e) {
    for (const [id, title] of Object.entries(titles)) yield result(id, 'audio', title, 'fail', shortError(e));
    return;
  }
  try {
    const flacSet =
      withAudio.length <= opts.flacFiles
        ? withAudio
        : rngFor(opts.seed, 'validate/flac').sample(withAudio, Math.max(0, Math.floor(opts.flacFiles)));
    const onsetSet = withAudio.filter((s) => keptRows.has(s.id));
    const todo = [...new Map([...flacSet, ...onsetSet].map((s) => [s.id, s])).values()];
    const flacIds = new Set(flacSet.map((s) => s.id));
    const integrity = new Tally(opts.maxDetails);
    const levels = new Tally(opts.maxDetails);
    const clipping = new Tally(opts.maxDetails);
    const align = new Tally(opts.maxDetails);
    const peaks: number[] = [];
    const rmss: number[] = [];
    let checked = 0;
    let labelOnsets = 0;
    let matchedOnsets = 0;
    const offsets: number[] = [];
    const rs: number[] = [];
    for (const s of todo) {
      opts.signal?.throwIfAborted();
      const bytes = await reader.readFile(s.audioPath!);
      if (bytes === null) continue;
      const c = await checkFlacFile(bytes, decoder, { seconds: s.durationSec, frames: s.audioFrames, rateHz: s.audioRateHz }, DURATION_TOLERANCE_SEC);
      if (flacIds.has(s.id)) {
        checked++;
        if (c.problems.length) integrity.add(`${s.audioPath}: ${c.problems.join('; ')}`);
      }
      if (!c.decoded) continue;
      const mono = mixToMono(c.decoded.channelData);
      if (flacIds.has(s.id)) {
        const l = audioLevels(mono);
        peaks.push(l.peakDbfs);
        rmss.push(l.rmsDbfs);
        if (!(l.peakDbfs >= SILENT_PEAK_DBFS)) levels.add(`${s.audioPath}: silent (peak ${fmt(l.peakDbfs, 1)} dBFS)`);
        if (l.clippedFraction > CLIPPED_FRACTION) clipping.add(`${s.audioPath}: ${fmt(100 * l.clippedFraction, 3)} % of samples at full scale`);
      }
      const rows = keptRows.get(s.id);
      if (rows) {
        const a = alignOnsets(c.decoded.channelData, c.decoded.sampleRateHz, rows, { ...DEFAULT_ALIGNMENT_OPTIONS, toleranceMs: opts.onsetToleranceMs });
        labelOnsets += a.checked;
        matchedOnsets += a.matched;
        offsets.push(...a.offsetsMs);
        if (Number.isFinite(a.velocityPeakR)) rs.push(a.velocityPeakR);
        if (a.checked > 0 && a.matched / a.checked < opts.onsetMinMatchRate) {
          align.add(`${s.audioPath}: ${a.matched} of ${a.checked} label onsets found within ${opts.onsetToleranceMs} ms (${a.detected} onsets detected)`);
        }
      }
    }
    yield integrity.count
      ? result('flac_integrity', 'audio', titles.flac_integrity, 'fail', `${integrity.count} of ${checked} file(s) damaged; first: ${integrity.details[0]}`, { checked, damaged: integrity.count, total: withAudio.length }, integrity.details)
      : result(
          'flac_integrity',
          'audio',
          titles.flac_integrity,
          'pass',
          `${checked}${checked < withAudio.length ? ` of ${withAudio.length} (seeded choice)` : ''} files: frames decode without CRC errors, MD5 and sample count match STREAMINFO, length = duration_sec ± ${DURATION_TOLERANCE_SEC * 1000} ms (and = num_samples, rate = sample_rate where set)`,
          { checked, damaged: 0, total: withAudio.length },
        );
    const sortedPeaks = [...peaks].sort((a, b) => a - b);
    const levelNumbers = { checked, silent: levels.count, clipped: clipping.count, peakDbfsMin: sortedPeaks[0] ?? Number.NaN, peakDbfsMedian: quantileSorted(sortedPeaks, 0.5), rmsDbfsMean: mean(rmss) };
    yield levels.count
      ? result('audio_levels', 'audio', titles.audio_levels, 'fail', `${levels.count} silent file(s); first: ${levels.details[0]}`, levelNumbers, [...levels.details, ...clipping.details])
      : clipping.count
        ? result('audio_levels', 'audio', titles.audio_levels, opts.strict ? 'fail' : 'warn', `${clipping.count} clipped file(s); first: ${clipping.details[0]}`, levelNumbers, clipping.details)
        : result('audio_levels', 'audio', titles.audio_levels, 'pass', `${checked} files, peaks ${fmt(sortedPeaks[0] ?? NaN, 1)}…${fmt(sortedPeaks[sortedPeaks.length - 1] ?? NaN, 1)} dBFS, none clipped`, levelNumbers);
    const absOff = offsets.map(Math.abs).sort((a, b) => a - b);
    const sortedOff = [...offsets].sort((a, b) => a - b);
    const rate = labelOnsets ? matchedOnsets / labelOnsets : Number.NaN;
    const alignNumbers = {
      files: onsetSet.length,
      labelOnsets,
      matched: matchedOnsets,
      matchRate: rate,
      minMatchRate: opts.onsetMinMatchRate,
      toleranceMs: opts.onsetToleranceMs,
      medianOffsetMs: quantileSorted(sortedOff, 0.5),
      p95AbsOffsetMs: quantileSorted(absOff, 0.95),
      velocityPeakRMean: mean(rs),
      filesBelowMinMatchRate: align.count,
    };
    if (onsetSet.length === 0) yield result('onset_alignment', 'audio', titles.onset_alignment, 'skip', 'no audio file chosen for onset alignment (onsetFiles = 0)');
    // Judged on all checked onsets together: a file has ~10–40 isolated strokes, so one or two soft
    // strokes lost in a loud tail would fail a per-file rate; files below are listed either way.
    else if (!(rate >= opts.onsetMinMatchRate))
      yield result(
        'onset_alignment',
        'audio',
        titles.onset_alignment,
        'fail',
        `${fmt(100 * rate, 1)} % of ${labelOnsets} isolated label onsets found within ${opts.onsetToleranceMs} ms (need ${100 * opts.onsetMinMatchRate} %); median offset audio − label ${fmt(alignNumbers.medianOffsetMs, 2)} ms${
          Math.abs(alignNumbers.medianOffsetMs) > opts.onsetToleranceMs / 2 ? ' (a constant lag: the renderer or the soundfont’s samples start late and the labels do not account for it)' : ''
        }; ${align.count} file(s) below`,
        alignNumbers,
        align.details,
      );
    else
      yield result(
        'onset_alignment',
        'audio',
        titles.onset_alignment,
        'pass',
        `${onsetSet.length} files (seeded choice), ${matchedOnsets}/${labelOnsets} isolated label onsets found within ${opts.onsetToleranceMs} ms, median offset ${fmt(alignNumbers.medianOffsetMs, 2)} ms, 95 % within ${fmt(alignNumbers.p95AbsOffsetMs, 2)} ms; velocity ~ attack peak r = ${fmt(alignNumbers.velocityPeakRMean, 2)}`,
        alignNumbers,
        align.details,
      );
  } finally {
    decoder.free();
  }
}

function figuresOf(samples: readonly SampleInfo[], hist: ReadonlyMap<string, Histogram>, strokes: number, measures: number): DatasetFigures {
  const f = emptyFigures();
  f.samples = samples.length;
  f.strokes = strokes;
  f.measures = measures;
  const profiles = new Map<string, string>();
  for (const s of samples) profiles.set(s.profileId, s.tier);
  f.profiles = profiles.size;
  f.samplesPerTier = countBy(samples, (s) => s.tier, SKILL_TIERS);
  f.profilesPerTier = countBy([...profiles.values()], (t) => t, SKILL_TIERS);
  f.samplesPerRudiment = countBy(samples, (s) => s.slug);
  f.samplesPerSplit = countBy(samples, (s) => s.split, ['train', 'validation', 'test']);
  f.samplesPerPreset = countBy(samples, (s) => s.preset);
  f.samplesPerSoundfont = countBy(samples, (s) => s.soundfont ?? '(no audio)');
  f.samplesPerTempoBand = countBy(samples, tempoBand, [...TEMPO_BANDS]);
  const tempo = new Histogram(40, 10, 22);
  for (const s of samples) if (Number.isFinite(s.tempoBpm)) tempo.add(s.tempoBpm);
  f.tempoHistogram = tempo.data();
  SCORE_NAMES.forEach((name, k) => {
    const perTier: Record<string, ReturnType<typeof boxStats>> = {};
    for (const t of SKILL_TIERS) {
      const xs = samples.filter((s) => s.tier === t && s.scores && s.scoreNulls![k] === 0 && Number.isFinite(s.scores[k]!)).map((s) => s.scores![k]!);
      if (xs.length) perTier[t] = boxStats(xs);
    }
    f.scoreBoxes[name] = perTier;
  });
  for (const [t, h] of hist) {
    if (h.n === 0) continue;
    f.timingErrorHistograms[t] = h.data();
    f.timingErrorBoxes[t] = h.box();
  }
  return f;
}

/** Promise wrapper of {@link validateDatasetIter}. */
export async function validateDataset(reader: DatasetReader, options?: Partial<ValidateOptions>, onEvent?: (e: ValidateEvent) => void): Promise<ValidationReport> {
  const it = validateDatasetIter(reader, options);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    onEvent?.(r.value);
  }
}
