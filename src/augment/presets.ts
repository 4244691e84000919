/**
 * The 11 named augmentation presets of SOUSA (sousa-original.md §5.3), their per-sample variation,
 * the deterministic choice of presets per performance, and their description for
 * `sousa-wasm presets`.
 *
 * Differences from SOUSA, on purpose:
 * - vintage_tape has no wow/flutter: it warps time and the stroke labels would be wrong.
 * - Per-sample variation (SOUSA had it only in the unused `random_augmentation()`) keeps every
 *   value inside the ranges of {@link PRESET_VARIATION}, drawn from the sample's own streams.
 */
import { AugmentError } from '../errors.js';
import { rngFor } from '../random/index.js';
import type { NoiseType } from './dsp.js';
import type { MicPosition, MicType } from './mic.js';
import type { PreampType } from './chain.js';
import type { RoomTypeName } from './room.js';
import { ROOM_TYPES } from './room.js';

/** The presets, in SOUSA's order. */
export const AUGMENTATION_PRESETS = [
  'clean_studio',
  'clean_close',
  'practice_room',
  'concert_hall',
  'gym',
  'garage',
  'vintage_tape',
  'lo_fi',
  'phone_recording',
  'marching_field',
  'indoor_competition',
] as const;

export type AugmentationPresetName = (typeof AUGMENTATION_PRESETS)[number];

/** The five presets SOUSA's generator uses by default. */
export const DEFAULT_AUGMENTATION_PRESETS = [
  'clean_studio',
  'practice_room',
  'gym',
  'garage',
  'marching_field',
] as const satisfies readonly AugmentationPresetName[];

/** Centre values of one preset. */
export interface PresetSpec {
  /** One line for listings. */
  readonly summary: string;
  readonly room: { readonly type: RoomTypeName; readonly wetDry: number } | null;
  readonly mic: { readonly type: MicType; readonly position: MicPosition; readonly distanceM: number };
  readonly preamp: { readonly type: PreampType; readonly drive: number };
  readonly compressor: { readonly ratio: number; readonly thresholdDb: number } | null;
  readonly eq: { readonly highpassHz: number; readonly lowpassHz: number };
  readonly noise: { readonly type: NoiseType; readonly levelDb: number } | null;
  readonly bitDepth: number | null;
  readonly reducedSampleRateHz: number | null;
}

/** SOUSA's preset table (§5.3). */
export const PRESET_SPECS = {
  clean_studio: {
    summary: 'studio room, condenser at 0.4 m, gentle compression, no noise',
    room: { type: 'studio', wetDry: 0.2 },
    mic: { type: 'condenser', position: 'center', distanceM: 0.4 },
    preamp: { type: 'clean', drive: 0 },
    compressor: { ratio: 2, thresholdDb: -18 },
    eq: { highpassHz: 40, lowpassHz: 18_000 },
    noise: null,
    bitDepth: null,
    reducedSampleRateHz: null,
  },
  clean_close: {
    summary: 'dry, dynamic mic at 0.15 m (proximity boost), light compression',
    room: null,
    mic: { type: 'dynamic', position: 'center', distanceM: 0.15 },
    preamp: { type: 'clean', drive: 0 },
    compressor: { ratio: 1.5, thresholdDb: -12 },
    eq: { highpassHz: 40, lowpassHz: 18_000 },
    noise: null,
    bitDepth: null,
    reducedSampleRateHz: null,
  },
  practice_room: {
    summary: 'small practice room, dynamic mic at 0.5 m, pink noise at -45 dB',
    room: { type: 'practice_room', wetDry: 0.15 },
    mic: { type: 'dynamic', position: 'center', distanceM: 0.5 },
    preamp: { type: 'clean', drive: 0 },
    compressor: { ratio: 2, thresholdDb: -18 },
    eq: { highpassHz: 40, lowpassHz: 18_000 },
    noise: { type: 'pink', levelDb: -45 },
    bitDepth: null,
    reducedSampleRateHz: null,
  },
  concert_hall: {
    summary: 'concert hall (RT60 2 s), distant condenser at 3 m, no compression',
    room: { type: 'concert_hall', wetDry: 0.4 },
    mic: { type: 'condenser', position: 'distant', distanceM: 3 },
    preamp: { type: 'clean', drive: 0 },
    compressor: null,
    eq: { highpassHz: 40, lowpassHz: 18_000 },
    noise: null,
    bitDepth: null,
    reducedSampleRateHz: null,
  },
  gym: {
    summary: 'gym (RT60 1.5 s), overhead dynamic at 2 m, HVAC hum at -40 dB',
    room: { type: 'gym', wetDry: 0.35 },
    mic: { type: 'dynamic', position: 'overhead', distanceM: 2 },
    preamp: { type: 'clean', drive: 0 },
    compressor: { ratio: 2.5, thresholdDb: -15 },
    eq: { highpassHz: 40, lowpassHz: 18_000 },
    noise: { type: 'hvac', levelDb: -40 },
    bitDepth: null,
    reducedSampleRateHz: null,
  },
  garage: {
    summary: 'garage, dynamic mic at 0.8 m, driven aggressive preamp, pink noise at -35 dB',
    room: { type: 'garage', wetDry: 0.3 },
    mic: { type: 'dynamic', position: 'center', distanceM: 0.8 },
    preamp: { type: 'aggressive', drive: 0.2 },
    compressor: { ratio: 2.5, thresholdDb: -15 },
    eq: { highpassHz: 40, lowpassHz: 18_000 },
    noise: { type: 'pink', levelDb: -35 },
    bitDepth: null,
    reducedSampleRateHz: null,
  },
  vintage_tape: {
    summary: 'studio, ribbon mic, warm preamp, heavy compression, tape hiss at -35 dB (no wow: it moves onsets)',
    room: { type: 'studio', wetDry: 0.25 },
    mic: { type: 'ribbon', position: 'center', distanceM: 0.6 },
    preamp: { type: 'warm', drive: 0.3 },
    compressor: { ratio: 6, thresholdDb: -10 },
    eq: { highpassHz: 80, lowpassHz: 12_000 },
    noise: { type: 'tape_hiss', levelDb: -35 },
    bitDepth: null,
    reducedSampleRateHz: null,
  },
  lo_fi: {
    summary: 'bedroom, piezo pickup, clipped preamp, heavy compression, 200-6000 Hz, pink noise at -25 dB, 12-bit',
    room: { type: 'bedroom', wetDry: 0.1 },
    mic: { type: 'piezo', position: 'center', distanceM: 0.3 },
    preamp: { type: 'aggressive', drive: 0.4 },
    compressor: { ratio: 8, thresholdDb: -8 },
    eq: { highpassHz: 200, lowpassHz: 6000 },
    noise: { type: 'pink', levelDb: -25 },
    bitDepth: 12,
    reducedSampleRateHz: null,
  },
  phone_recording: {
    summary: 'bedroom, distant piezo at 1.5 m, clipped and squashed, 300-4000 Hz, room tone at -30 dB, 16-bit',
    room: { type: 'bedroom', wetDry: 0.15 },
    mic: { type: 'piezo', position: 'distant', distanceM: 1.5 },
    preamp: { type: 'aggressive', drive: 0.3 },
    compressor: { ratio: 10, thresholdDb: -6 },
    eq: { highpassHz: 300, lowpassHz: 4000 },
    noise: { type: 'room_tone', levelDb: -30 },
    bitDepth: 16,
    reducedSampleRateHz: null,
  },
  marching_field: {
    summary: 'outdoors, distant dynamic at 5 m, no compression, 40-10000 Hz, pink noise at -35 dB',
    room: { type: 'outdoor', wetDry: 0.05 },
    mic: { type: 'dynamic', position: 'distant', distanceM: 5 },
    preamp: { type: 'clean', drive: 0 },
    compressor: null,
    eq: { highpassHz: 40, lowpassHz: 10_000 },
    noise: { type: 'pink', levelDb: -35 },
    bitDepth: null,
    reducedSampleRateHz: null,
  },
  indoor_competition: {
    summary: 'gym, overhead condenser at 2.5 m, compression, room tone at -40 dB',
    room: { type: 'gym', wetDry: 0.3 },
    mic: { type: 'condenser', position: 'overhead', distanceM: 2.5 },
    preamp: { type: 'clean', drive: 0 },
    compressor: { ratio: 2.5, thresholdDb: -12 },
    eq: { highpassHz: 40, lowpassHz: 18_000 },
    noise: { type: 'room_tone', levelDb: -40 },
    bitDepth: null,
    reducedSampleRateHz: null,
  },
} as const satisfies Record<AugmentationPresetName, PresetSpec>;

/**
 * Per-sample variation around each preset's centre values: factors multiply, offsets add. The
 * wet, distance and noise ranges are SOUSA's `random_augmentation()` (x0.8-1.2, +-5 dB).
 */
export const PRESET_VARIATION = Object.freeze({
  /** Room wet share factor (result clamped to [0, 1]). */
  wetDryFactor: [0.8, 1.2],
  /** RT60 factor of the synthetic IR. */
  rt60Factor: [0.9, 1.1],
  /** Mic distance factor. */
  distanceFactor: [0.8, 1.2],
  /** Preamp drive factor (drive 0 stays 0; result clamped to [0, 1]). */
  driveFactor: [0.8, 1.2],
  /** Compressor ratio factor (result at least 1). */
  ratioFactor: [0.9, 1.1],
  /** Compressor threshold offset, dB. */
  thresholdOffsetDb: [-2, 2],
  /** EQ corner factor, for high-pass and low-pass independently (low-pass capped at 0.45 fs). */
  eqFactor: [0.9, 1.1],
  /** Noise level offset, dB. */
  noiseOffsetDb: [-5, 5],
} as const);

/** True for the names of {@link AUGMENTATION_PRESETS}. */
export function isAugmentationPreset(name: string): name is AugmentationPresetName {
  return (AUGMENTATION_PRESETS as readonly string[]).includes(name);
}

/** Throws {@link AugmentError} listing the valid names unless `name` is a preset. */
export function checkPresetName(name: string, where: string): AugmentationPresetName {
  if (!isAugmentationPreset(name)) {
    throw new AugmentError(
      'PRESET_UNKNOWN',
      `expected an augmentation preset (${AUGMENTATION_PRESETS.join(', ')}), got "${name}" (in ${where})`,
    );
  }
  return name;
}

/**
 * `n` distinct presets for one performance, chosen from `allowed` (default: the five default
 * presets) with the stream (seed, 'aug/choose/' + performanceKey). The order of `allowed` and
 * repeated names do not matter. Throws {@link AugmentError} for unknown names or n above the number
 * of distinct allowed presets.
 */
export function choosePresets(
  seed: number | bigint,
  performanceKey: string,
  n: number,
  allowed: readonly string[] = DEFAULT_AUGMENTATION_PRESETS,
): AugmentationPresetName[] {
  for (const name of allowed) checkPresetName(name, 'choosePresets');
  const pool = AUGMENTATION_PRESETS.filter((p) => allowed.includes(p));
  if (!(Number.isInteger(n) && n >= 0 && n <= pool.length)) {
    throw new AugmentError(
      'PRESET_COUNT',
      `expected 0-${pool.length} augmentations per performance (distinct presets among ${pool.join(', ')}), got ${n}`,
    );
  }
  return rngFor(seed, `aug/choose/${performanceKey}`).sample(pool, n);
}

/** A preset as `sousa-wasm presets` lists it. */
export interface PresetDescription {
  readonly name: AugmentationPresetName;
  /** One of the five presets used when none are given. */
  readonly isDefault: boolean;
  readonly summary: string;
  /** Per column: the centre value and the per-sample range, e.g. "0.2 (0.16-0.24)"; "off" for a stage that is off. */
  readonly parameters: Readonly<Record<string, string>>;
}

function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

function range(centre: number, lo: number, hi: number): string {
  return lo === hi ? fmt(centre) : `${fmt(centre)} (${fmt(lo)}-${fmt(hi)})`;
}

/** The 11 presets with their parameters and ranges, in {@link AUGMENTATION_PRESETS} order. */
export function describePresets(): PresetDescription[] {
  const v = PRESET_VARIATION;
  return AUGMENTATION_PRESETS.map((name) => {
    const s: PresetSpec = PRESET_SPECS[name];
    const p: Record<string, string> = {};
    if (s.room === null) {
      p.aug_room_type = 'off';
    } else {
      const rt60 = ROOM_TYPES[s.room.type].rt60S;
      p.aug_room_type = s.room.type;
      p.aug_room_wet_dry = range(s.room.wetDry, s.room.wetDry * v.wetDryFactor[0], Math.min(1, s.room.wetDry * v.wetDryFactor[1]));
      p.aug_rt60_s = range(rt60, rt60 * v.rt60Factor[0], rt60 * v.rt60Factor[1]);
    }
    p.aug_mic_type = s.mic.type;
    p.aug_mic_position = s.mic.position;
    p.aug_mic_distance = range(s.mic.distanceM, s.mic.distanceM * v.distanceFactor[0], s.mic.distanceM * v.distanceFactor[1]);
    p.aug_preamp = s.preamp.type;
    p.aug_preamp_drive = range(s.preamp.drive, s.preamp.drive * v.driveFactor[0], Math.min(1, s.preamp.drive * v.driveFactor[1]));
    if (s.compressor === null) {
      p.aug_compression_ratio = 'off';
    } else {
      const { ratio, thresholdDb } = s.compressor;
      p.aug_compression_ratio = range(ratio, Math.max(1, ratio * v.ratioFactor[0]), ratio * v.ratioFactor[1]);
      p.aug_compression_threshold_db = range(thresholdDb, thresholdDb + v.thresholdOffsetDb[0], thresholdDb + v.thresholdOffsetDb[1]);
    }
    const { highpassHz, lowpassHz } = s.eq;
    p.aug_eq_highpass_hz = range(highpassHz, highpassHz * v.eqFactor[0], highpassHz * v.eqFactor[1]);
    p.aug_eq_lowpass_hz = range(lowpassHz, lowpassHz * v.eqFactor[0], lowpassHz * v.eqFactor[1]);
    if (s.noise === null) {
      p.aug_noise_type = 'off';
    } else {
      p.aug_noise_type = s.noise.type;
      p.aug_noise_level_db = range(s.noise.levelDb, s.noise.levelDb + v.noiseOffsetDb[0], s.noise.levelDb + v.noiseOffsetDb[1]);
    }
    p.aug_bit_depth = s.bitDepth === null ? 'off' : String(s.bitDepth);
    p.aug_sample_rate = s.reducedSampleRateHz === null ? 'off' : String(s.reducedSampleRateHz);
    return Object.freeze({
      name,
      isDefault: (DEFAULT_AUGMENTATION_PRESETS as readonly string[]).includes(name),
      summary: s.summary,
      parameters: Object.freeze(p),
    });
  });
}
