/**
 * The dataset card (README.md): YAML front matter the Hub reads (licence, tasks, tags, size
 * category, configs with their data files, dataset_info with features and split sizes), then
 * a description whose every number is computed from the data being published.
 */
import { stringify } from 'yaml';
import { EXERCISE_COLUMNS, SAMPLE_COLUMNS, SCORE_RANGES } from '../dataset/schema.js';
import { SPLIT_NAMES } from '../dataset/splits.js';
import { SKILL_TIERS } from '../profiles/types.js';
import { loadRudiments } from '../rudiments/index.js';
import { cardFeature, type ConfigSpec, type OutColumn } from './configs.js';
import type { CheckResult, DatasetSnapshot } from './dataset.js';

/** A config as built: its spec, whether it is the default, and per split what was written. */
export interface BuiltConfig {
  spec: ConfigSpec;
  isDefault: boolean;
  splits: BuiltSplit[];
}

export interface BuiltSplit {
  name: string;
  numExamples: number;
  /** Arrow bytes of the rows (dataset_info num_bytes). */
  numBytes: number;
  files: { path: string; size: number }[];
}

export interface AuxiliaryFile {
  path: string;
  table: 'strokes' | 'measures';
  rows: number;
  size: number;
}

export interface CardInput {
  repoId: string;
  snapshot: DatasetSnapshot;
  configs: BuiltConfig[];
  auxiliary: AuxiliaryFile[];
  previewPerRudiment: number;
  /** Version of the publishing package. */
  publisherVersion: string;
  /** Result of the validate module when it ran, else null (the basic checks are in the snapshot). */
  validation: CheckResult[] | null;
}

export const CARD_LICENSE = 'mit';
export const CARD_TASKS = ['audio-classification', 'tabular-classification', 'tabular-regression'] as const;
export const CARD_TAGS = [
  'audio',
  'music',
  'drums',
  'drum-rudiments',
  'snare-drum',
  'percussion',
  'midi',
  'synthetic',
  'music-information-retrieval',
  'sousa',
] as const;

/** The Hub's size buckets. */
export function sizeCategory(n: number): string {
  const edges: [number, string][] = [
    [1_000, 'n<1K'],
    [10_000, '1K<n<10K'],
    [100_000, '10K<n<100K'],
    [1_000_000, '100K<n<1M'],
    [10_000_000, '1M<n<10M'],
    [100_000_000, '10M<n<100M'],
  ];
  for (const [edge, label] of edges) if (n < edge) return label;
  return 'n>1T';
}

/** Audio part of a manifest's configuration, whichever generation of the manifest wrote it. */
export interface ManifestAudio {
  soundfonts: { name: string; sha256?: string }[];
  augmentations: number;
  augmentPresets: string[];
}

/** `config.audio` (current manifests), or `config.withAudio: true` (early ones), or null. */
export function manifestAudio(snapshot: Pick<DatasetSnapshot, 'manifest'>): ManifestAudio | null {
  const c = snapshot.manifest.config as unknown as { audio?: Partial<ManifestAudio> | null; withAudio?: boolean };
  if (c.audio) {
    return { soundfonts: c.audio.soundfonts ?? [], augmentations: c.audio.augmentations ?? 0, augmentPresets: c.audio.augmentPresets ?? [] };
  }
  return c.withAudio ? { soundfonts: [], augmentations: 0, augmentPresets: [] } : null;
}

/** The generate command that reproduces the dataset, from its manifest. */
export function generateCommand(snapshot: Pick<DatasetSnapshot, 'manifest'>): string {
  const c = snapshot.manifest.config;
  const parts = ['npx sousa-wasm generate'];
  if (c.preset !== 'custom') parts.push(`--preset ${c.preset}`);
  parts.push(`--seed ${c.seed}`);
  if (c.preset === 'custom') {
    parts.push(`--profiles ${c.profiles}`, `--tempos ${c.temposPerRudiment}`, `--cycles ${c.numCycles}`);
  }
  if (c.rudiments.length !== loadRudiments().length) parts.push(`--rudiments ${c.rudiments.join(',')}`);
  const audio = manifestAudio(snapshot);
  if (audio) {
    parts.push('--with-audio', `--augmentations ${audio.augmentations}`);
    if (audio.augmentPresets.length > 0) parts.push(`--augment-presets ${audio.augmentPresets.join(',')}`);
  }
  return parts.join(' ');
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

function fmtDuration(sec: number): string {
  if (sec >= 3600) return `${(sec / 3600).toFixed(1)} h`;
  if (sec >= 60) return `${(sec / 60).toFixed(1)} min`;
  return `${sec.toFixed(1)} s`;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
}

function table(header: string[], rows: (string | number)[][]): string {
  const esc = (v: string | number) => String(v).replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

// samples last, so sample_id gets the samples table's description
const DESCRIPTIONS = new Map<string, string>([...EXERCISE_COLUMNS, ...SAMPLE_COLUMNS].map((c) => [c.name, c.description]));

function describeColumn(col: OutColumn, sampleRateHz: number | null): string {
  if (col.kind === 'midi') return 'the Standard MIDI File of the performance (type 1, GM snare on channel 10), as bytes';
  if (col.kind === 'audio') {
    return `FLAC audio as the Audio feature {bytes, path}${sampleRateHz ? `, ${sampleRateHz} Hz` : ''}; decodes and plays in the viewer`;
  }
  if (col.name === 'split') return 'split the row belongs to in the other configs (preview only)';
  const range = (SCORE_RANGES as Record<string, readonly [number, number]>)[col.name];
  const base = DESCRIPTIONS.get(col.name) ?? '';
  return range && !base.includes('range') ? `${base} (${range[0]}-${range[1]})` : base;
}

/** The YAML front matter as an object (also used by tests). */
export function cardMetadata(input: CardInput): Record<string, unknown> {
  const { snapshot, configs } = input;
  return {
    license: CARD_LICENSE,
    pretty_name: 'SOUSA-style synthetic snare drum rudiments (sousa-wasm)',
    language: ['en'],
    task_categories: [...CARD_TASKS],
    tags: [...CARD_TAGS],
    size_categories: [sizeCategory(snapshot.samples.length)],
    configs: configs.map((c) => ({
      config_name: c.spec.name,
      ...(c.isDefault ? { default: true } : {}),
      data_files: c.splits.map((s) => ({ split: s.name, path: `${c.spec.name}/${s.name}-*` })),
    })),
    dataset_info: configs.map((c) => ({
      config_name: c.spec.name,
      features: c.spec.columns.map(cardFeature),
      splits: c.splits.map((s) => ({ name: s.name, num_bytes: s.numBytes, num_examples: s.numExamples })),
      download_size: c.splits.reduce((n, s) => n + s.files.reduce((m, f) => m + f.size, 0), 0),
      dataset_size: c.splits.reduce((n, s) => n + s.numBytes, 0),
    })),
    source_datasets: ['original'],
    annotations_creators: ['machine-generated'],
  };
}

/** The whole card: front matter and body. */
export function buildDatasetCard(input: CardInput): string {
  const { snapshot, configs, repoId } = input;
  const samples = snapshot.samples;
  const manifest = snapshot.manifest;
  const front = stringify(cardMetadata(input), { lineWidth: 0 }).trimEnd();
  const rudimentInfo = new Map(loadRudiments().map((r) => [r.slug, r]));
  const bySlug = countBy(samples, (s) => String(s.rudiment_slug));
  const slugs = [...bySlug.keys()].sort((a, b) => (rudimentInfo.get(a)?.pasNumber ?? 99) - (rudimentInfo.get(b)?.pasNumber ?? 99));
  const profiles = new Set(samples.map((s) => String(s.profile_id)));
  const tempos = samples.map((s) => Number(s.tempo_bpm));
  const totalSec = samples.reduce((n, s) => n + Number(s.duration_sec), 0);
  const splitSamples = countBy(samples, (s) => String(s.split));
  const soundfonts = countBy(
    samples.filter((s) => s.soundfont !== null && s.soundfont !== undefined),
    (s) => String(s.soundfont),
  );
  const presets = countBy(samples, (s) => String(s.augmentation_preset));
  const def = configs.find((c) => c.isDefault) ?? configs[0]!;
  const cmd = generateCommand(snapshot);
  const audioConfig = manifestAudio(snapshot);
  const hasAudio = snapshot.hasAudio;

  const tierRows = SKILL_TIERS.map((tier) => {
    const ts = samples.filter((s) => s.skill_tier === tier);
    const scores = ts.map((s) => snapshot.exercises.get(String(s.sample_id))?.overall_score).filter((v): v is number => typeof v === 'number');
    const mean = scores.length ? (scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(1) : '–';
    return [tier, new Set(ts.map((s) => s.profile_id)).size, fmtInt(ts.length), mean];
  }).filter((r) => r[1] !== 0);

  const splitProfiles: Record<string, number> = {
    train: snapshot.splits.train_profile_ids.length,
    validation: snapshot.splits.val_profile_ids.length,
    test: snapshot.splits.test_profile_ids.length,
  };
  const splitDist: Record<string, Record<string, number>> = {
    train: snapshot.splits.stats.train_skill_distribution,
    validation: snapshot.splits.stats.val_skill_distribution,
    test: snapshot.splits.stats.test_skill_distribution,
  };

  const checks = [...snapshot.checks, ...(input.validation ?? [])];
  const fileOf = (c: BuiltConfig) => c.splits.reduce((n, s) => n + s.files.reduce((m, f) => m + f.size, 0), 0);

  const out: string[] = [];
  out.push('---', front, '---', '');
  out.push(`# SOUSA-style synthetic snare drum rudiments`, '');
  out.push(
    `${fmtInt(samples.length)} labelled performances of ${slugs.length} of the 40 PAS International Drum Rudiments, ` +
      `played by ${profiles.size} simulated players of four skill tiers, with ${hasAudio ? 'FLAC audio, ' : ''}MIDI and ` +
      'hierarchical labels (per stroke, per measure, per exercise). Generated by ' +
      `sousa-wasm ${manifest.version}, a TypeScript/WebAssembly re-creation of the Python SOUSA generator with its known defects fixed.`,
    '',
  );
  out.push(
    table(
      ['', ''],
      [
        ['samples', fmtInt(samples.length)],
        ['rudiments', slugs.length],
        ['players (profiles)', profiles.size],
        ['tempo range', `${Math.min(...tempos)}-${Math.max(...tempos)} BPM`],
        ['total performed time', fmtDuration(totalSec)],
        ['strokes labelled', fmtInt(snapshot.strokeRows)],
        ['measures labelled', fmtInt(snapshot.measureRows)],
        ['MIDI files', fmtInt(samples.length)],
        ['FLAC files', hasAudio ? fmtInt(samples.length) : '0 (this release has no audio)'],
        ...(snapshot.sampleRateHz ? [['sample rate', `${snapshot.sampleRateHz} Hz`] as [string, string]] : []),
        ['splits (samples)', SPLIT_NAMES.map((s) => `${s} ${fmtInt(splitSamples.get(s) ?? 0)}`).join(', ')],
        ['default config download', fmtBytes(fileOf(def))],
      ],
    ),
    '',
  );

  out.push('## What the data is', '');
  out.push(
    'SOUSA-style data pairs a drum performance with the truth about it. A player profile (skill tier plus correlated ' +
      'dimensions: timing accuracy and consistency, tempo drift, velocity control, accent contrast, hand balance, flam ' +
      'spacing, diddle evenness, roll sustain) plays a rudiment at a tempo; the performance is rendered to MIDI' +
      (hasAudio ? ' and to audio' : '') +
      ', and every stroke is labelled with its intended and actual time and velocity. Measures and whole exercises are ' +
      'scored from the strokes. The labels are exact because the data is synthetic: the audio onsets are where the labels say.',
    '',
  );

  out.push('### Rudiments', '');
  out.push(
    table(
      ['PAS', 'rudiment', 'slug', 'category', 'samples'],
      slugs.map((slug) => {
        const r = rudimentInfo.get(slug);
        return [r?.pasNumber ?? '', r?.name ?? slug, slug, r?.category ?? '', fmtInt(bySlug.get(slug) ?? 0)];
      }),
    ),
    '',
  );

  out.push('### Skill tiers', '');
  out.push(table(['tier', 'players', 'samples', 'mean overall_score'], tierRows), '');

  out.push('### Splits by player', '');
  out.push(
    'Splits are by player, never by sample: no player appears in two splits, so a model is evaluated on players it never ' +
      'heard. Tiers are stratified over the splits (70/15/15 of the players).',
    '',
  );
  out.push(
    table(
      ['split', 'players', 'samples', ...SKILL_TIERS],
      SPLIT_NAMES.map((s) => [s, splitProfiles[s] ?? 0, fmtInt(splitSamples.get(s) ?? 0), ...SKILL_TIERS.map((t) => splitDist[s]?.[t] ?? 0)]),
    ),
    '',
  );

  out.push('## Configs', '');
  out.push(
    table(
      ['config', 'content', 'splits (rows)', 'download'],
      configs.map((c) => [
        `\`${c.spec.name}\`${c.isDefault ? ' (default)' : ''}`,
        c.spec.name === 'preview'
          ? `${c.spec.description}; ${input.previewPerRudiment} per rudiment`
          : c.spec.description,
        c.splits.map((s) => `${s.name} ${fmtInt(s.numExamples)}`).join(', '),
        fmtBytes(fileOf(c)),
      ]),
    ),
    '',
  );
  if (input.auxiliary.length > 0) {
    out.push(
      'Auxiliary tables (not configs; one row per stroke or measure, joined on `sample_id`): ' +
        input.auxiliary.map((a) => `\`${a.path}\` (${fmtInt(a.rows)} rows, ${fmtBytes(a.size)})`).join(', ') +
        '.',
      '',
    );
  }

  out.push('## Features', '');
  const full = configs.find((c) => c.spec.name === 'preview') ?? def;
  out.push(
    table(
      ['column', 'type', 'description'],
      full.spec.columns.map((c) => [`\`${c.name}\``, cardFeature(c).dtype, describeColumn(c, snapshot.sampleRateHz)]),
    ),
    '',
  );

  out.push('## Usage', '');
  out.push(
    '```python',
    'from datasets import load_dataset',
    '',
    `ds = load_dataset("${repoId}")                      # default config: ${def.spec.name}`,
    `labels = load_dataset("${repoId}", "labels_only")   # no media, small`,
    ...(hasAudio ? [`row = ds["train"][0]; row["audio"]["array"], row["audio"]["sampling_rate"]`] : []),
    '```',
    '',
    '```python',
    'import pandas as pd',
    'from datasets import load_dataset',
    '',
    `samples = load_dataset("${repoId}", "labels_only", split="train").to_pandas()`,
    ...input.auxiliary.map((a) => `${a.table} = pd.read_parquet("hf://datasets/${repoId}/${a.path}")`),
    '```',
    '',
    '```sql',
    `-- DuckDB reads hf:// paths directly`,
    `SELECT skill_tier, count(*) AS n, avg(overall_score) AS mean_score`,
    `FROM 'hf://datasets/${repoId}/labels_only/*.parquet' GROUP BY skill_tier ORDER BY mean_score;`,
    '```',
    '',
  );

  out.push('## How it was generated', '');
  out.push('```sh', cmd, '```', '');
  out.push(
    table(
      ['', ''],
      [
        ['generator', `sousa-wasm ${manifest.version} (published with ${input.publisherVersion})`],
        ['seed', manifest.config.seed],
        ['preset', manifest.config.preset],
        ['pattern cycles per exercise', manifest.config.numCycles],
        ['tempos per player and rudiment', manifest.config.temposPerRudiment],
        ['soundfonts (samples)', soundfonts.size ? [...soundfonts].map(([k, v]) => `${k} (${fmtInt(v)})`).join(', ') : 'none (no audio)'],
        ...(audioConfig?.soundfonts.some((sf) => sf.sha256)
          ? [['soundfont files (sha256)', audioConfig.soundfonts.map((sf) => `${sf.name} ${String(sf.sha256).slice(0, 12)}`).join(', ')] as [string, string]]
          : []),
        ...(audioConfig
          ? [['augmented recordings per performance', audioConfig.augmentations || '0 (one dry recording)'] as [string, number | string]]
          : []),
        ['augmentation presets (samples)', [...presets].map(([k, v]) => `${k} (${fmtInt(v)})`).join(', ')],
      ],
    ),
    '',
    'The same command and seed give byte-identical files: every random draw comes from a generator keyed by (seed, sample).',
    '',
  );

  out.push('## Validation', '');
  out.push(table(['check', 'result', 'detail'], checks.map((c) => [c.name, c.status ?? (c.passed ? 'pass' : 'FAIL'), c.detail])), '');

  out.push('## Limitations', '');
  out.push(
    [
      '- Synthetic: players are statistical models, not people; timing and velocity deviations follow the models, not real drummers.',
      hasAudio
        ? '- Audio is rendered from soundfonts; room, microphone and degradation are simulated.'
        : '- This release has no audio; MIDI renders with any General MIDI soundfont (snare on channel 10).',
      '- Scores are computed from the labels with fixed formulas; they measure the simulated performance, not musical taste.',
      '- Tempos are drawn inside each rudiment\'s practical range; very slow or very fast playing is not covered.',
    ].join('\n'),
    '',
  );

  out.push('## Citation', '');
  out.push(
    '```bibtex',
    '@software{sousa_wasm,',
    '  title   = {sousa-wasm: synthetic drum-rudiment datasets in TypeScript and WebAssembly},',
    `  version = {${manifest.version}},`,
    `  note    = {Dataset ${repoId}, seed ${manifest.config.seed}},`,
    '}',
    '```',
    '',
    `Re-creates the SOUSA dataset generator (Python). Licence: ${CARD_LICENSE.toUpperCase()}.`,
    '',
  );
  return out.join('\n');
}
