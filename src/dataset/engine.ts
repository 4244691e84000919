/**
 * The sample engine: everything derived from one planned performance — performance, MIDI,
 * labels and, with audio, a FluidSynth render per recording, augmentation and FLAC — and the
 * chunk builder that turns a range of performances into files and Parquet parts.
 *
 * One engine per thread (in-thread or in a worker): it loads each soundfont once and reuses it.
 * Everything here is a pure function of (configuration, chunk index), so chunks can be computed
 * in any order, on any worker or machine, and give the same bytes.
 */
import { generatePerformance, performanceToMidi, DEFAULT_MIDI_OPTIONS } from '../performance/index.js';
import type { Performance } from '../performance/types.js';
import { onsetFrame } from '../performance/types.js';
import { exerciseScores, measureLabels, strokeLabels } from '../labels/index.js';
import type { PlayerProfile } from '../profiles/types.js';
import { createRenderer, type Renderer, type RenderNote } from '../synth/renderer.js';
import type { SoundfontSource } from '../synth/soundfonts.js';
import { encodeFlac, encodeFlacAt } from '../audio/flac.js';
import { sharedSousa, type SousaWasm } from '../platform/wasm.js';
import { SynthError } from '../errors.js';
import { loadParquetWasm } from '../platform/parquet.js';
import { MemorySink, ParquetStreamWriter } from './parquet.js';
import type { CellValue, Row } from './columns.js';
import { AUGMENTATION_COLUMNS, TABLES, TABLE_NAMES, type TableName } from './schema.js';
import { splitOf, type Splits } from './splits.js';
import { planPerformances, type DatasetConfig, type PlannedPerformance, type PlannedVariant } from './plan.js';

/**
 * Augments one recording in place: the `n` f32 samples at `ptr` in the module memory of `wasm`
 * (same length, same onsets after); returns the applied parameters. The audio stays in module
 * memory from the augmentation to the FLAC encoder, so no copy of it reaches the JS heap.
 */
export type Augmenter = (
  wasm: SousaWasm,
  ptr: number,
  n: number,
  opts: { presetName: string; seed: number; sampleId: string; sampleRateHz: number },
) => Promise<Readonly<Record<string, string | number | null>>>;

/** A file produced by a chunk, relative to the dataset root. */
export interface OutputFile {
  path: string;
  bytes: Uint8Array;
}

/** Label records of one table for one sample: stage records (camelCase) plus shared columns. */
interface TableRows {
  records: readonly object[];
  extra: Row;
}

export interface BuiltPerformance {
  performance: Performance;
  files: OutputFile[];
  tables: Record<TableName, TableRows[]>;
  sampleIds: string[];
}

export interface EngineOptions {
  /** Soundfonts with their bytes, required when the configuration has audio. */
  soundfonts?: readonly SoundfontSource[];
  /** Augmentation stage, required when the configuration has augmentations. */
  augment?: Augmenter;
}

/** Every FLAC of a dataset: 44.1 kHz, 24-bit (SOUSA's PCM_24). */
const FLAC_OPTIONS = Object.freeze({ sampleRateHz: 44_100, bitsPerSample: 24 as const });

const EMPTY_AUG: Readonly<Record<string, CellValue>> = Object.freeze(
  Object.fromEntries(AUGMENTATION_COLUMNS.map((c) => [c.name, null])),
);

export class SampleEngine {
  private renderer: Promise<Renderer> | null = null;
  private readonly fonts: Map<string, SoundfontSource>;

  constructor(
    readonly config: DatasetConfig,
    private readonly opts: EngineOptions = {},
  ) {
    this.fonts = new Map((opts.soundfonts ?? []).map((s) => [s.name, s]));
    if (config.audio) {
      for (const ref of config.audio.soundfonts) {
        const sf = this.fonts.get(ref.name);
        if (!sf) throw new SynthError('SOUNDFONT_MISSING', `soundfont "${ref.name}" of the configuration was not provided`);
        if (sf.sha256 !== ref.sha256) {
          throw new SynthError(
            'SOUNDFONT_CHANGED',
            `soundfont "${ref.name}" (${sf.origin}) has sha256 ${sf.sha256.slice(0, 12)}…, the configuration expects ${ref.sha256.slice(0, 12)}…`,
          );
        }
      }
    }
  }

  private getRenderer(): Promise<Renderer> {
    this.renderer ??= createRenderer(
      [...this.fonts.values()].map((s) => ({ name: s.name, bytes: s.bytes })),
    );
    return this.renderer;
  }

  /** Performance, MIDI, labels and audio of every recording of one planned performance. */
  async build(pp: PlannedPerformance, splits: Splits): Promise<BuiltPerformance> {
    const { config } = this;
    const { profile, rudiment, tempoBpm } = pp;
    const perf = generatePerformance({
      rudiment,
      profile,
      tempoBpm,
      seed: config.seed,
      key: pp.performanceKey,
      numCycles: config.numCycles,
    });
    const midi = performanceToMidi(perf);
    const strokes = strokeLabels(perf);
    const measures = measureLabels(perf, strokes);
    const scores = exerciseScores(perf, strokes, profile.tier);
    const files: OutputFile[] = [];
    const tables: Record<TableName, TableRows[]> = { samples: [], exercises: [], measures: [], strokes: [] };
    const rendered = new Map<string, Float32Array[]>();
    for (const v of pp.variants) {
      const midiPath = `midi/${rudiment.slug}/${v.sampleId}.mid`;
      files.push({ path: midiPath, bytes: midi });
      let audio: { path: string; frames: number; durationSec: number; params: Record<string, CellValue> } | null = null;
      if (config.audio) {
        audio = await this.recording(perf, v, rendered, files);
      }
      const sample: Record<string, CellValue> = {
        sample_id: v.sampleId,
        profile_id: profile.id,
        rudiment_slug: rudiment.slug,
        pas_number: rudiment.pasNumber,
        rudiment_category: rudiment.category,
        tempo_bpm: tempoBpm,
        duration_sec: audio ? audio.durationSec : perf.durationSec,
        num_cycles: perf.numCycles,
        lead_hand: perf.leadHand,
        skill_tier: profile.tier,
        skill_tier_binary: tierBinary(profile),
        dominant_hand: profile.dominantHand,
        split: splitOf(splits, profile.id),
        midi_path: midiPath,
        audio_path: audio ? audio.path : null,
        num_strokes: strokes.length,
        num_measures: measures.length,
        soundfont: config.audio ? v.soundfont : null,
        augmentation_preset: v.preset ?? 'none',
        augmentation_group_id: pp.performanceKey,
        num_samples: audio ? audio.frames : null,
        sample_rate: audio ? 44_100 : null,
        ...(audio ? audio.params : EMPTY_AUG),
      };
      const extra = { sample_id: v.sampleId };
      tables.samples.push({ records: [sample], extra });
      tables.exercises.push({ records: [scores], extra });
      tables.measures.push({ records: measures, extra });
      tables.strokes.push({ records: strokes, extra });
    }
    return { performance: perf, files, tables, sampleIds: pp.variants.map((v) => v.sampleId) };
  }

  /** Render (once per soundfont), augment and encode one recording. */
  private async recording(
    perf: Performance,
    v: PlannedVariant,
    rendered: Map<string, Float32Array[]>,
    files: OutputFile[],
  ): Promise<{ path: string; frames: number; durationSec: number; params: Record<string, CellValue> }> {
    const audioCfg = this.config.audio!;
    let dry = rendered.get(v.soundfont);
    if (!dry) {
      const font = this.fonts.get(v.soundfont)!;
      const renderer = await this.getRenderer();
      const notes = renderNotes(perf, font.key);
      const out = renderer.render(notes, {
        soundfont: font.name,
        bank: font.bank,
        program: font.program,
        channels: audioCfg.channels,
        sampleId: v.sampleId,
      });
      dry = out.channels;
      rendered.set(v.soundfont, dry);
    }
    const frames = dry[0]!.length;
    let params: Record<string, CellValue> = { ...EMPTY_AUG };
    let bytes: Uint8Array;
    if (v.preset === null) {
      bytes = await encodeFlac(dry, FLAC_OPTIONS);
    } else {
      const augment = this.opts.augment;
      if (!augment) {
        throw new SynthError('AUGMENT_UNAVAILABLE', `sample ${v.sampleId} needs preset ${v.preset} but no augmentation stage was given`);
      }
      const wasm = await sharedSousa();
      const ptrs: number[] = [];
      try {
        for (const ch of dry) {
          const ptr = wasm.alloc(frames * 4);
          ptrs.push(ptr);
          wasm.f32(ptr, frames).set(ch);
          const applied = await augment(wasm, ptr, frames, { presetName: v.preset, seed: this.config.seed, sampleId: v.sampleId, sampleRateHz: 44_100 });
          params = { ...params, ...applied };
        }
        bytes = await encodeFlacAt(wasm, ptrs, frames, FLAC_OPTIONS);
      } finally {
        for (const p of ptrs) wasm.free(p);
      }
    }
    const path = `audio/${perf.rudimentSlug}/${v.sampleId}.flac`;
    files.push({ path, bytes });
    return { path, frames, durationSec: frames / 44_100, params };
  }
}

function tierBinary(p: PlayerProfile): string {
  return p.tier === 'beginner' || p.tier === 'intermediate' ? 'novice' : 'skilled';
}

/**
 * Note list for the renderer: each stroke at its label time (already on the 64-frame grid), with
 * the MIDI file's note length so the audio is what a player of the MIDI file renders.
 */
export function renderNotes(perf: Performance, key: number): RenderNote[] {
  const ticksPerMs = (DEFAULT_MIDI_OPTIONS.ppq * perf.tempoBpm) / 60_000;
  const durationFrames = Math.max(1, Math.round((DEFAULT_MIDI_OPTIONS.noteDurationTicks / ticksPerMs) * 44.1));
  return perf.strokes.map((s) => ({ frame: onsetFrame(s.actualTimeMs), key, velocity: s.actualVelocity, durationFrames }));
}

/** Paths of the Parquet parts of chunk `c`. */
export function partPath(c: number, table: TableName): string {
  return `parts/chunk-${String(c).padStart(6, '0')}.${table}.parquet`;
}

export interface ChunkResult {
  chunk: number;
  /** Media files, then the four parts with the samples part last (its presence marks completion). */
  files: OutputFile[];
  samples: number;
  strokes: number;
  measures: number;
}

/** The performances of chunk `c` (pure). */
export function chunkPerformances(config: DatasetConfig, profiles: readonly PlayerProfile[], c: number): PlannedPerformance[] {
  const lo = c * config.chunkPerformances;
  return [...planPerformances(config, profiles, lo, lo + config.chunkPerformances)];
}

/** Compute one chunk: its media files and its four Parquet parts. */
export async function computeChunk(
  engine: SampleEngine,
  profiles: readonly PlayerProfile[],
  splits: Splits,
  c: number,
): Promise<ChunkResult> {
  const pq = await loadParquetWasm();
  const sinks = {} as Record<TableName, MemorySink>;
  const writers = {} as Record<TableName, ParquetStreamWriter>;
  for (const name of TABLE_NAMES) {
    sinks[name] = new MemorySink();
    writers[name] = new ParquetStreamWriter(pq, name, TABLES[name], sinks[name], { compression: 'snappy' });
  }
  const files: OutputFile[] = [];
  let samples = 0;
  try {
    for (const pp of chunkPerformances(engine.config, profiles, c)) {
      const built = await engine.build(pp, splits);
      files.push(...built.files);
      samples += built.sampleIds.length;
      for (const name of TABLE_NAMES) {
        for (const t of built.tables[name]) for (const rec of t.records) await writers[name].append(rec, t.extra);
      }
    }
    for (const name of TABLE_NAMES) await writers[name].close();
  } catch (e) {
    for (const name of TABLE_NAMES) await writers[name].abort().catch(() => undefined);
    throw e;
  }
  for (const name of ['strokes', 'measures', 'exercises', 'samples'] as const) {
    files.push({ path: partPath(c, name), bytes: sinks[name].bytes! });
  }
  return { chunk: c, files, samples, strokes: writers.strokes.rowCount, measures: writers.measures.rowCount };
}
