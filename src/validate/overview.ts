/**
 * `datasetOverview`: what a dataset holds (the `stats` command). Cheaper than validation: it
 * reads samples and exercises, takes stroke and measure counts from the Parquet footers, and
 * lists the media folders; it judges nothing.
 */
import { loadParquetWasm } from '../platform/parquet.js';
import { EXERCISE_COLUMNS, MEASURE_COLUMNS, SAMPLE_COLUMNS, SCORE_NAMES, STROKE_COLUMNS } from '../dataset/schema.js';
import { SKILL_TIERS } from '../profiles/types.js';
import { ValidationError } from '../errors.js';
import type { SampleInfo } from './labels.js';
import { countBy } from './statistics.js';
import { mean } from './stats.js';
import { ParquetTable } from './tables.js';
import type { DatasetReader } from './types.js';
import { readSamples } from './validate.js';

export interface DatasetOverview {
  samples: number;
  strokes: number;
  measures: number;
  profiles: number;
  rudiments: number;
  /** Manifest status (`complete`, `in_progress`) or null without a manifest. */
  status: string | null;
  /** Samples the manifest's configuration plans (profiles × rudiments × tempos), or null. */
  plannedSamples: number | null;
  tiers: Record<string, { profiles: number; samples: number }>;
  splits: Record<string, { profiles: number; samples: number }>;
  perRudiment: Record<string, number>;
  perPreset: Record<string, number>;
  perSoundfont: Record<string, number>;
  completeness: {
    midiReferenced: number;
    midiPresent: number;
    audioReferenced: number;
    audioPresent: number;
    exerciseRows: number;
  };
  /** Score → tier → mean (nulls excluded; null when a tier has no value). */
  scoreMeansPerTier: Record<string, Record<string, number | null>>;
}

const dec = new TextDecoder();

/** Read the overview of a dataset; throws ValidationError when samples.parquet is unusable. */
export async function datasetOverview(reader: DatasetReader): Promise<DatasetOverview> {
  const pq = await loadParquetWasm();
  const open = async (name: string, spec: typeof SAMPLE_COLUMNS) => ParquetTable.open(pq, `labels/${name}.parquet`, await reader.readFile(`labels/${name}.parquet`), spec);
  const tSamples = await open('samples', SAMPLE_COLUMNS);
  if (!tSamples.readable || !tSamples.usableColumns.includes('sample_id')) {
    throw new ValidationError('DATASET_UNREADABLE', `cannot read the dataset overview: ${tSamples.problems[0] ?? 'labels/samples.parquet has no sample_id'}; run "sousa-wasm validate" for details`);
  }
  const samples: SampleInfo[] = [];
  for await (const cols of tSamples.rowGroups(tSamples.usableColumns)) readSamples(cols, samples);
  const byId = new Map(samples.map((s) => [s.id, s]));

  const tExercises = await open('exercises', EXERCISE_COLUMNS);
  let exerciseRows = 0;
  if (tExercises.readable && tExercises.usableColumns.includes('sample_id')) {
    const cols = tExercises.usableColumns;
    for await (const c of tExercises.rowGroups(cols)) {
      const ids = c.strings('sample_id');
      const values = SCORE_NAMES.map((n) => (cols.includes(n) ? c.numbers(n) : null));
      for (let i = 0; i < c.numRows; i++) {
        exerciseRows++;
        const s = byId.get(ids[i] ?? '');
        if (!s || s.scores) continue;
        s.scores = Float64Array.from(SCORE_NAMES, (_, k) => values[k]?.[i] ?? Number.NaN);
      }
    }
  }
  const tMeasures = await open('measures', MEASURE_COLUMNS);
  const tStrokes = await open('strokes', STROKE_COLUMNS);

  const present = new Set<string>();
  for (const root of ['midi', 'audio']) for (const slug of await reader.list(root)) for (const f of await reader.list(`${root}/${slug}`)) present.add(`${root}/${slug}/${f}`);

  let status: string | null = null;
  let plannedSamples: number | null = null;
  const manifestBytes = await reader.readFile('manifest.json');
  if (manifestBytes) {
    try {
      const m = JSON.parse(dec.decode(manifestBytes)) as { status?: string; config?: { profiles?: number; rudiments?: unknown[]; temposPerRudiment?: number } };
      status = m.status ?? null;
      const c = m.config;
      if (c && typeof c.profiles === 'number' && Array.isArray(c.rudiments) && typeof c.temposPerRudiment === 'number') {
        plannedSamples = c.profiles * c.rudiments.length * c.temposPerRudiment;
      }
    } catch {
      status = 'unreadable manifest.json';
    }
  }

  const profileTier = new Map<string, string>();
  const profileSplit = new Map<string, string>();
  for (const s of samples) {
    profileTier.set(s.profileId, s.tier);
    profileSplit.set(s.profileId, s.split);
  }
  const tierProfiles = countBy([...profileTier.values()], (t) => t, SKILL_TIERS);
  const tierSamples = countBy(samples, (s) => s.tier, SKILL_TIERS);
  const splitProfiles = countBy([...profileSplit.values()], (t) => t, ['train', 'validation', 'test']);
  const splitSamples = countBy(samples, (s) => s.split, ['train', 'validation', 'test']);
  const tiers: DatasetOverview['tiers'] = {};
  for (const t of Object.keys(tierSamples)) tiers[t] = { profiles: tierProfiles[t] ?? 0, samples: tierSamples[t] ?? 0 };
  const splits: DatasetOverview['splits'] = {};
  for (const t of Object.keys(splitSamples)) splits[t] = { profiles: splitProfiles[t] ?? 0, samples: splitSamples[t] ?? 0 };

  const scoreMeansPerTier: DatasetOverview['scoreMeansPerTier'] = {};
  SCORE_NAMES.forEach((name, k) => {
    const row: Record<string, number | null> = {};
    for (const t of SKILL_TIERS) {
      const xs = samples.filter((s) => s.tier === t && s.scores && Number.isFinite(s.scores[k]!)).map((s) => s.scores![k]!);
      row[t] = xs.length ? mean(xs) : null;
    }
    scoreMeansPerTier[name] = row;
  });

  const midi = samples.filter((s) => s.midiPath !== null);
  const audio = samples.filter((s) => s.audioPath !== null);
  return {
    samples: samples.length,
    strokes: tStrokes.numRows,
    measures: tMeasures.numRows,
    profiles: profileTier.size,
    rudiments: new Set(samples.map((s) => s.slug)).size,
    status,
    plannedSamples,
    tiers,
    splits,
    perRudiment: countBy(samples, (s) => s.slug),
    perPreset: countBy(samples, (s) => s.preset),
    perSoundfont: countBy(samples, (s) => s.soundfont ?? '(no audio)'),
    completeness: {
      midiReferenced: midi.length,
      midiPresent: midi.filter((s) => present.has(s.midiPath!)).length,
      audioReferenced: audio.length,
      audioPresent: audio.filter((s) => present.has(s.audioPath!)).length,
      exerciseRows,
    },
    scoreMeansPerTier,
  };
}

function n2(x: number | null): string {
  return x === null ? '–' : x.toFixed(2);
}

/** Plain-text overview for a terminal. */
export function formatOverviewText(o: DatasetOverview): string {
  const L: string[] = [];
  L.push(`samples ${o.samples}${o.plannedSamples !== null ? ` (planned ${o.plannedSamples})` : ''}, strokes ${o.strokes}, measures ${o.measures}, profiles ${o.profiles}, rudiments ${o.rudiments}, status ${o.status ?? 'no manifest'}`);
  L.push('', 'tier            profiles  samples');
  for (const [t, v] of Object.entries(o.tiers)) L.push(`${t.padEnd(15)} ${String(v.profiles).padStart(8)} ${String(v.samples).padStart(8)}`);
  L.push('', 'split           profiles  samples');
  for (const [t, v] of Object.entries(o.splits)) L.push(`${t.padEnd(15)} ${String(v.profiles).padStart(8)} ${String(v.samples).padStart(8)}`);
  const c = o.completeness;
  L.push('', `completeness: MIDI ${c.midiPresent}/${c.midiReferenced} present, audio ${c.audioPresent}/${c.audioReferenced} present, exercise rows ${c.exerciseRows}/${o.samples}`);
  L.push(`presets: ${Object.entries(o.perPreset).map(([k, v]) => `${k} ${v}`).join(', ')}; soundfonts: ${Object.entries(o.perSoundfont).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  L.push('', `score means per tier        ${SKILL_TIERS.map((t) => t.slice(0, 12).padStart(13)).join('')}`);
  for (const [name, row] of Object.entries(o.scoreMeansPerTier)) L.push(`${name.padEnd(27)} ${SKILL_TIERS.map((t) => n2(row[t] ?? null).padStart(13)).join('')}`);
  L.push('', 'samples per rudiment');
  for (const [k, v] of Object.entries(o.perRudiment)) L.push(`  ${k.padEnd(28)} ${String(v).padStart(6)}`);
  return L.join('\n');
}

/** Markdown overview (dataset cards, issues). */
export function formatOverviewMarkdown(o: DatasetOverview): string {
  const L: string[] = [];
  L.push('| | count |', '|---|---:|');
  for (const [k, v] of [
    ['samples', o.samples],
    ['planned samples', o.plannedSamples ?? '–'],
    ['strokes', o.strokes],
    ['measures', o.measures],
    ['profiles', o.profiles],
    ['rudiments', o.rudiments],
  ] as const) {
    L.push(`| ${k} | ${v} |`);
  }
  L.push('', '| tier | profiles | samples |', '|---|---:|---:|');
  for (const [t, v] of Object.entries(o.tiers)) L.push(`| ${t} | ${v.profiles} | ${v.samples} |`);
  L.push('', '| split | profiles | samples |', '|---|---:|---:|');
  for (const [t, v] of Object.entries(o.splits)) L.push(`| ${t} | ${v.profiles} | ${v.samples} |`);
  const c = o.completeness;
  L.push('', `Completeness: MIDI ${c.midiPresent}/${c.midiReferenced}, audio ${c.audioPresent}/${c.audioReferenced}, exercise rows ${c.exerciseRows}/${o.samples}; status ${o.status ?? 'no manifest'}.`);
  L.push('', `| score | ${SKILL_TIERS.join(' | ')} |`, `|---|${SKILL_TIERS.map(() => '---:').join('|')}|`);
  for (const [name, row] of Object.entries(o.scoreMeansPerTier)) L.push(`| ${name} | ${SKILL_TIERS.map((t) => n2(row[t] ?? null)).join(' | ')} |`);
  L.push('', '| rudiment | samples |', '|---|---:|');
  for (const [k, v] of Object.entries(o.perRudiment)) L.push(`| ${k} | ${v} |`);
  L.push('', '| augmentation preset | samples |', '|---|---:|');
  for (const [k, v] of Object.entries(o.perPreset)) L.push(`| ${k} | ${v} |`);
  return L.join('\n');
}
