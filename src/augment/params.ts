/**
 * The augmentation parameters stored with each sample (samples.parquet): every parameter actually
 * applied, null only when its stage is off. SOUSA recorded a subset and left bit depth and sample
 * rate always null (sousa-original.md §13 item 5).
 */
import type { ColumnSpec } from '../dataset/columns.js';

/** One row's augmentation columns. */
export interface AugmentationParams {
  /** Room type of the synthetic IR, or the room the user IR was chosen for; null without a room. */
  aug_room_type: string | null;
  /** Wet share of the room mix, 0..1. */
  aug_room_wet_dry: number | null;
  /** RT60 of the IR in s: the synthetic IR's specification, or a user IR's measured T20 x 3. */
  aug_rt60_s: number | null;
  /** 'synthetic' or the user IR's name. */
  aug_ir_name: string | null;
  aug_mic_type: string | null;
  aug_mic_position: string | null;
  /** Mic distance in m. */
  aug_mic_distance: number | null;
  aug_preamp: string | null;
  /** Preamp drive 0..1. */
  aug_preamp_drive: number | null;
  aug_compression_ratio: number | null;
  aug_compression_threshold_db: number | null;
  aug_eq_highpass_hz: number | null;
  aug_eq_lowpass_hz: number | null;
  aug_noise_type: string | null;
  /** Noise RMS relative to the signal RMS, dB (negative: below the signal). */
  aug_noise_level_db: number | null;
  aug_bit_depth: number | null;
  /** Rate of the sample-rate reduction in Hz (the file stays at the output rate). */
  aug_sample_rate: number | null;
}

export type AugmentationColumnName = keyof AugmentationParams;

function col(name: AugmentationColumnName, type: ColumnSpec['type'], description: string): ColumnSpec {
  return Object.freeze({ name, type, nullable: true, description });
}

/** Column specs for samples.parquet, in this order; all nullable (null = stage off, or no audio). */
export const AUGMENTATION_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col('aug_room_type', 'utf8', 'room type of the reverb (practice_room, studio, concert_hall, gym, outdoor, bedroom, garage, church); null: no room'),
  col('aug_room_wet_dry', 'float64', 'wet share of the room mix, 0-1'),
  col('aug_rt60_s', 'float64', 'reverberation time of the impulse response in s (specified for synthetic IRs, measured T20x3 for user IRs)'),
  col('aug_ir_name', 'utf8', "impulse response: 'synthetic' (generated for the room type) or the user file's name"),
  col('aug_mic_type', 'utf8', 'microphone type: dynamic, condenser, ribbon, piezo'),
  col('aug_mic_position', 'utf8', 'microphone position: center, off_axis, overhead, distant'),
  col('aug_mic_distance', 'float64', 'microphone distance in m (< 0.3: proximity boost; >= 0.3: distance roll-off)'),
  col('aug_preamp', 'utf8', 'preamp type: clean, warm, aggressive, vintage'),
  col('aug_preamp_drive', 'float64', 'preamp drive, 0-1'),
  col('aug_compression_ratio', 'float64', 'compressor ratio; null: no compressor'),
  col('aug_compression_threshold_db', 'float64', 'compressor threshold in dBFS (knee 6 dB, attack 10 ms, release 100 ms)'),
  col('aug_eq_highpass_hz', 'float64', 'EQ high-pass corner in Hz (Butterworth, 12 dB/octave)'),
  col('aug_eq_lowpass_hz', 'float64', 'EQ low-pass corner in Hz (Butterworth, 12 dB/octave)'),
  col('aug_noise_type', 'utf8', 'added noise: white, pink, brown, hvac, room_tone, tape_hiss, vinyl; null: none'),
  col('aug_noise_level_db', 'float64', 'noise RMS relative to the signal RMS in dB (e.g. -45)'),
  col('aug_bit_depth', 'int32', 'bits per sample of the TPDF-dithered bit-depth reduction; null: none'),
  col('aug_sample_rate', 'int32', 'rate in Hz of the sample-rate reduction (down and back up, no time shift); null: none'),
]);

/** Column names of {@link AUGMENTATION_COLUMNS}, in order. */
export const AUGMENTATION_COLUMN_NAMES: readonly AugmentationColumnName[] = AUGMENTATION_COLUMNS.map(
  (c) => c.name as AugmentationColumnName,
);

/** A row with every augmentation column null (a sample without augmentation). */
export function emptyAugmentationParams(): AugmentationParams {
  return Object.fromEntries(AUGMENTATION_COLUMN_NAMES.map((k) => [k, null])) as unknown as AugmentationParams;
}
