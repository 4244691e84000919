/**
 * The Hub configs built from a dataset and their columns, plus the two ways the Hub learns the
 * features: the `huggingface` key in each Parquet footer (what the dataset viewer and
 * `datasets` read to know that `audio` is playable) and `dataset_info` in the card's YAML.
 *
 * Configs, in the order the card lists them:
 * - `audio` (default when there is audio): metadata, the 15 scores, `midi` bytes, `audio` struct;
 * - `midi_only` (default without audio): the same without audio;
 * - `labels_only`: metadata and scores;
 * - `preview` (with audio only): N stratified samples per rudiment, playable, plus their split.
 */
import type { ColumnType } from '../dataset/columns.js';
import type { DatasetSnapshot, FieldInfo } from './dataset.js';

export const HUB_CONFIG_NAMES = ['audio', 'midi_only', 'labels_only', 'preview'] as const;
export type HubConfigName = (typeof HUB_CONFIG_NAMES)[number];

/** Split of the preview config (it mixes rows of all splits, so it is not called train). */
export const PREVIEW_SPLIT = 'preview';

/** samples.parquet columns that do not go to the Hub: the split is the file, the paths are local. */
export const DROPPED_SAMPLE_COLUMNS: ReadonlySet<string> = new Set(['split', 'midi_path', 'audio_path']);

/** A column of a Hub config: a plain value, the MIDI bytes, or the Audio struct. */
export type OutColumn =
  | { name: string; kind: 'value'; type: ColumnType }
  | { name: 'midi'; kind: 'midi' }
  | { name: 'audio'; kind: 'audio' };

export interface ConfigSpec {
  name: HubConfigName;
  /** One line for the card. */
  description: string;
  columns: OutColumn[];
  /** Row-group size class: media rows are large, label rows small. */
  hasMedia: boolean;
}

/** Configs to build for a dataset (audio and preview only when the dataset has audio). */
export function configSpecs(snapshot: Pick<DatasetSnapshot, 'sampleFields' | 'scoreFields' | 'hasAudio'>): ConfigSpec[] {
  const meta: OutColumn[] = snapshot.sampleFields
    .filter((f) => !DROPPED_SAMPLE_COLUMNS.has(f.name))
    .map((f: FieldInfo) => ({ name: f.name, kind: 'value', type: f.type }));
  const scores: OutColumn[] = snapshot.scoreFields.map((f) => ({ name: f.name, kind: 'value', type: f.type }));
  const midi: OutColumn = { name: 'midi', kind: 'midi' };
  const audio: OutColumn = { name: 'audio', kind: 'audio' };
  const specs: ConfigSpec[] = [];
  if (snapshot.hasAudio) {
    specs.push({
      name: 'audio',
      description: 'metadata, the 15 exercise scores, the MIDI file and the FLAC audio (plays in the viewer)',
      columns: [...meta, ...scores, midi, audio],
      hasMedia: true,
    });
  }
  specs.push({
    name: 'midi_only',
    description: 'metadata, the 15 exercise scores and the MIDI file, no audio',
    columns: [...meta, ...scores, midi],
    hasMedia: true,
  });
  specs.push({ name: 'labels_only', description: 'metadata and the 15 exercise scores', columns: [...meta, ...scores], hasMedia: false });
  if (snapshot.hasAudio) {
    const split: OutColumn = { name: 'split', kind: 'value', type: 'utf8' };
    specs.push({
      name: 'preview',
      description: 'a small playable subset stratified over rudiments and tiers, with the split each row comes from',
      columns: [...meta, split, ...scores, midi, audio],
      hasMedia: true,
    });
  }
  return specs;
}

const HF_DTYPE: Readonly<Record<ColumnType, string>> = Object.freeze({
  utf8: 'string',
  int32: 'int32',
  float64: 'float64',
  bool: 'bool',
  binary: 'binary',
});

/** `datasets` feature JSON of one column. */
export function hfFeature(col: OutColumn, sampleRateHz: number | null): Record<string, unknown> {
  if (col.kind === 'audio') return sampleRateHz ? { sampling_rate: sampleRateHz, _type: 'Audio' } : { _type: 'Audio' };
  if (col.kind === 'midi') return { dtype: 'binary', _type: 'Value' };
  return { dtype: HF_DTYPE[col.type], _type: 'Value' };
}

/** Value of the `huggingface` Parquet key/value metadata entry for a config. */
export function huggingfaceMetadata(columns: readonly OutColumn[], sampleRateHz: number | null): string {
  const features: Record<string, unknown> = {};
  for (const c of columns) features[c.name] = hfFeature(c, sampleRateHz);
  return JSON.stringify({ info: { features } });
}

/** `dataset_info.features` entry of the card's YAML. */
export function cardFeature(col: OutColumn): { name: string; dtype: string } {
  if (col.kind === 'audio') return { name: col.name, dtype: 'audio' };
  if (col.kind === 'midi') return { name: col.name, dtype: 'binary' };
  return { name: col.name, dtype: HF_DTYPE[col.type] };
}
