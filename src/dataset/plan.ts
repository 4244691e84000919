/**
 * What a run generates: the configuration, the presets, and the ordered list of samples.
 *
 * The plan is a pure function of the configuration. Every sample carries stable keys
 * (`performanceKey`, `sampleId`) from which all of its random draws are derived, so a sample's
 * content never depends on which other samples exist or in which order they are produced.
 */
import { ConfigError } from '../errors.js';
import { rngFor } from '../random/index.js';
import { loadRudiments, resolveRudimentSlugs } from '../rudiments/index.js';
import type { Rudiment } from '../rudiments/types.js';
import { TIER_CODES, type PlayerProfile } from '../profiles/types.js';
import type { SoundfontRef } from '../synth/soundfonts.js';

export const PRESET_NAMES = ['tiny', 'small', 'medium', 'full'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface PresetSpec {
  /** Player profiles. */
  profiles: number;
  /** Distinct tempos per (profile, rudiment). */
  temposPerRudiment: number;
  /** Augmented recordings per performance (used with audio). */
  augmentations: number;
}

/** Samples = profiles × 40 rudiments × tempos (× augmentations once audio is on). */
export const PRESETS: Readonly<Record<PresetName, Readonly<PresetSpec>>> = Object.freeze({
  tiny: { profiles: 4, temposPerRudiment: 1, augmentations: 0 },
  small: { profiles: 10, temposPerRudiment: 3, augmentations: 1 },
  medium: { profiles: 50, temposPerRudiment: 3, augmentations: 2 },
  full: { profiles: 100, temposPerRudiment: 5, augmentations: 5 },
});

export interface DatasetConfig {
  /** Global seed (non-negative safe integer). */
  seed: number;
  /** Number of player profiles. */
  profiles: number;
  /** Distinct tempos per (profile, rudiment), drawn inside each rudiment's own tempo range. */
  temposPerRudiment: number;
  /** Canonical slugs of the rudiments to generate, in PAS order. */
  rudiments: string[];
  /** Pattern cycles per exercise. */
  numCycles: number;
  /** Audio settings, or null for a symbolic (MIDI + labels) run. */
  audio: AudioConfig | null;
  /** Performances per work chunk (the unit of resume, sharding and worker scheduling). */
  chunkPerformances: number;
  /** Name of the preset the run started from, for the record. */
  preset: PresetName | 'custom';
}

export interface AudioConfig {
  /** Soundfonts to draw from (name = sample-id stem, sha256 of the file), in order. */
  soundfonts: SoundfontRef[];
  /** User impulse responses (file name, sha256 of the file), in order. */
  impulseResponses: SoundfontRef[];
  /** Augmented recordings per performance; 0 = one dry recording (`clean`). */
  augmentations: number;
  /** Presets the augmentations are drawn from. */
  augmentPresets: string[];
  /** Output channels of the FLAC files. */
  channels: 1 | 2;
}

export const DEFAULT_SEED = 42;
export const DEFAULT_NUM_CYCLES = 4;

export interface ConfigInput {
  preset?: string;
  seed?: number;
  profiles?: number;
  tempos?: number;
  rudiments?: readonly string[];
  numCycles?: number;
  /** Audio settings (soundfonts already collected); omit for a symbolic run. */
  audio?: {
    soundfonts: readonly SoundfontRef[];
    impulseResponses?: readonly SoundfontRef[];
    augmentations?: number;
    augmentPresets?: readonly string[];
    channels?: 1 | 2;
  };
  chunkPerformances?: number;
}

/** Performances per chunk: small with audio so a chunk's FLAC bytes stay a few tens of MB. */
export const DEFAULT_CHUNK_PERFORMANCES = { symbolic: 200, audio: 8 } as const;

function positiveInt(name: string, v: number, max: number): number {
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new ConfigError('CONFIG_INVALID', `${name} must be an integer between 1 and ${max}, got ${v}`);
  }
  return v;
}

/** Resolve CLI/API input into a full configuration (preset values unless overridden). */
export function resolveConfig(input: ConfigInput = {}): DatasetConfig {
  const presetName = (input.preset ?? 'tiny') as PresetName;
  if (!PRESET_NAMES.includes(presetName)) {
    throw new ConfigError('PRESET_UNKNOWN', `unknown preset "${input.preset}"; valid presets: ${PRESET_NAMES.join(', ')}`);
  }
  const preset = PRESETS[presetName];
  const seed = input.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ConfigError('CONFIG_INVALID', `seed must be a non-negative integer, got ${seed}`);
  }
  const all = loadRudiments().map((r) => r.slug);
  const rudiments = input.rudiments && input.rudiments.length > 0 ? resolveRudimentSlugs(input.rudiments) : all;
  const pasOrder = new Map(loadRudiments().map((r) => [r.slug, r.pasNumber]));
  const unique = [...new Set(rudiments)].sort((a, b) => pasOrder.get(a)! - pasOrder.get(b)!);
  const custom =
    input.profiles !== undefined || input.tempos !== undefined || input.rudiments !== undefined || input.numCycles !== undefined;
  let audio: AudioConfig | null = null;
  if (input.audio) {
    const augmentations = input.audio.augmentations ?? preset.augmentations;
    if (!Number.isInteger(augmentations) || augmentations < 0 || augmentations > 11) {
      throw new ConfigError('CONFIG_INVALID', `augmentations must be an integer between 0 and 11, got ${augmentations}`);
    }
    const allowed = [...(input.audio.augmentPresets ?? [])];
    if (augmentations > allowed.length) {
      throw new ConfigError(
        'CONFIG_INVALID',
        `augmentations (${augmentations}) must not exceed the number of allowed presets (${allowed.length}: ${allowed.join(', ') || 'none'})`,
      );
    }
    if (input.audio.soundfonts.length === 0) {
      throw new ConfigError('CONFIG_INVALID', 'audio needs at least one soundfont');
    }
    audio = {
      soundfonts: input.audio.soundfonts.map((s) => ({ name: s.name, sha256: s.sha256 })),
      impulseResponses: (input.audio.impulseResponses ?? []).map((s) => ({ name: s.name, sha256: s.sha256 })),
      augmentations,
      augmentPresets: allowed,
      channels: input.audio.channels ?? 1,
    };
  }
  return {
    seed,
    profiles: positiveInt('profiles', input.profiles ?? preset.profiles, 100_000),
    temposPerRudiment: positiveInt('tempos', input.tempos ?? preset.temposPerRudiment, 50),
    rudiments: unique,
    numCycles: positiveInt('cycles', input.numCycles ?? DEFAULT_NUM_CYCLES, 64),
    audio,
    chunkPerformances: positiveInt(
      'chunk size',
      input.chunkPerformances ?? (audio ? DEFAULT_CHUNK_PERFORMANCES.audio : DEFAULT_CHUNK_PERFORMANCES.symbolic),
      100_000,
    ),
    preset: custom ? 'custom' : presetName,
  };
}

/**
 * `count` distinct integer tempos inside the rudiment's range: the range is cut into `count`
 * equal bands and one tempo is drawn uniformly in each (stratified, so tempos cover the range).
 */
export function drawTempos(seed: number, profileId: string, rudiment: Rudiment, count: number): number[] {
  const [lo, hi] = rudiment.tempoRangeBpm;
  const width = hi - lo + 1;
  if (count > width) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `tempos must be at most ${width} for ${rudiment.slug} (tempo range ${lo}-${hi} BPM), got ${count}`,
    );
  }
  const rng = rngFor(seed, `tempo/${profileId}/${rudiment.slug}`);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = lo + Math.floor((i * width) / count);
    const b = lo + Math.floor(((i + 1) * width) / count) - 1;
    out.push(rng.intBetween(a, b));
  }
  return out;
}

export interface PlannedVariant {
  /** Position among the performance's recordings (0-based). */
  index: number;
  /** Soundfont stem (`raw` without audio). */
  soundfont: string;
  /** Augmentation preset, or null for a dry recording / no audio. */
  preset: string | null;
  sampleId: string;
}

export interface PlannedPerformance {
  /** Position in the run (0-based); chunk = floor(ordinal / chunkPerformances). */
  ordinal: number;
  profile: PlayerProfile;
  rudiment: Rudiment;
  tempoBpm: number;
  /** `{profile_id}_{slug}_{tempo}bpm`: keys the performance's random draws; = augmentation_group_id. */
  performanceKey: string;
  /** The samples (recordings) of this performance. */
  variants: PlannedVariant[];
}

/** Sample-id part of a preset: its name without underscores (`clean_studio` → `cleanstudio`). */
export function presetStem(preset: string | null): string {
  return preset === null ? 'clean' : preset.replace(/_/g, '');
}

export function sampleIdOf(profile: PlayerProfile, slug: string, tempoBpm: number, sf: string, aug: string): string {
  return `${TIER_CODES[profile.tier]}${String(profile.number).padStart(3, '0')}_${slug}_${tempoBpm}bpm_${sf}_${aug}`;
}

/**
 * The recordings of one performance: without audio one `raw`/`clean` sample; with audio
 * `augmentations` distinct presets (or one dry recording when 0), each with a soundfont drawn
 * from the list. Draws are keyed by the performance, so they do not depend on other samples.
 */
export function planVariants(config: DatasetConfig, profile: PlayerProfile, slug: string, tempoBpm: number, key: string): PlannedVariant[] {
  const audio = config.audio;
  if (!audio) return [{ index: 0, soundfont: 'raw', preset: null, sampleId: sampleIdOf(profile, slug, tempoBpm, 'raw', 'clean') }];
  const presets: (string | null)[] =
    audio.augmentations === 0 ? [null] : rngFor(config.seed, `augment/${key}`).sample(audio.augmentPresets, audio.augmentations);
  const names = audio.soundfonts.map((s) => s.name);
  return presets.map((preset, index) => {
    const soundfont = rngFor(config.seed, `soundfont/${key}/${index}`).pick(names);
    return { index, soundfont, preset, sampleId: sampleIdOf(profile, slug, tempoBpm, soundfont, presetStem(preset)) };
  });
}

/**
 * The performances of a run, in output order: profile, rudiment (PAS order), tempo (ascending);
 * optionally only ordinals in [from, to), reached by index arithmetic (chunks do not re-plan
 * everything before them).
 */
export function* planPerformances(
  config: DatasetConfig,
  profiles: readonly PlayerProfile[],
  from = 0,
  to = Number.POSITIVE_INFINITY,
): Generator<PlannedPerformance> {
  const bySlug = new Map(loadRudiments().map((r) => [r.slug, r]));
  const perProfile = config.rudiments.length * config.temposPerRudiment;
  const T = config.temposPerRudiment;
  const first = Math.max(0, from);
  for (let pi = Math.floor(first / perProfile); pi < profiles.length; pi++) {
    const profile = profiles[pi]!;
    const ri0 = pi === Math.floor(first / perProfile) ? Math.floor((first % perProfile) / T) : 0;
    for (let ri = ri0; ri < config.rudiments.length; ri++) {
      const base = pi * perProfile + ri * T;
      if (base >= to) return;
      const slug = config.rudiments[ri]!;
      const rudiment = bySlug.get(slug)!;
      const tempos = drawTempos(config.seed, profile.id, rudiment, T).sort((a, b) => a - b);
      for (let ti = 0; ti < T; ti++) {
        const ordinal = base + ti;
        if (ordinal < first) continue;
        if (ordinal >= to) return;
        const tempoBpm = tempos[ti]!;
        const performanceKey = `${profile.id}_${slug}_${tempoBpm}bpm`;
        yield {
          ordinal,
          profile,
          rudiment,
          tempoBpm,
          performanceKey,
          variants: planVariants(config, profile, slug, tempoBpm, performanceKey),
        };
      }
    }
  }
}

/** Number of performances of a configuration. */
export function countPerformances(config: DatasetConfig): number {
  return config.profiles * config.rudiments.length * config.temposPerRudiment;
}

/** Number of samples (recordings) a configuration produces. */
export function countSamples(config: DatasetConfig): number {
  const perPerformance = config.audio ? Math.max(1, config.audio.augmentations) : 1;
  return countPerformances(config) * perPerformance;
}

/** Number of work chunks. */
export function countChunks(config: DatasetConfig): number {
  return Math.ceil(countPerformances(config) / config.chunkPerformances);
}
