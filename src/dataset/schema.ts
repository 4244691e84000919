/**
 * The four label tables, with SOUSA's table and column names (shared/reference/sousa-original.md
 * §6) so a SOUSA user's loading code works, plus a few documented extra columns.
 */
import type { ColumnSpec, ColumnType } from './columns.js';

function col(name: string, type: ColumnType, nullable: boolean, description: string): ColumnSpec {
  return Object.freeze({ name, type, nullable, description });
}

/** Every parameter an augmentation actually applied; null when that stage is off (or no audio). */
export const AUGMENTATION_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col('aug_room_type', 'utf8', true, 'room of the impulse response (practice_room, studio, concert_hall, …)'),
  col('aug_room_wet_dry', 'float64', true, 'reverb mix, 0 = dry, 1 = wet'),
  col('aug_rt60_s', 'float64', true, 'RT60 of the impulse response, seconds'),
  col('aug_ir_name', 'utf8', true, 'user impulse-response file, when one was used'),
  col('aug_mic_type', 'utf8', true, 'dynamic, condenser, ribbon or piezo'),
  col('aug_mic_position', 'utf8', true, 'center, off_axis, overhead or distant'),
  col('aug_mic_distance', 'float64', true, 'microphone distance, metres'),
  col('aug_preamp', 'utf8', true, 'clean, warm, aggressive or vintage'),
  col('aug_preamp_drive', 'float64', true, 'preamp drive, 0-1'),
  col('aug_compression_ratio', 'float64', true, 'compressor ratio'),
  col('aug_compression_threshold_db', 'float64', true, 'compressor threshold, dBFS'),
  col('aug_eq_highpass_hz', 'float64', true, 'EQ high-pass corner, Hz'),
  col('aug_eq_lowpass_hz', 'float64', true, 'EQ low-pass corner, Hz'),
  col('aug_noise_type', 'utf8', true, 'white, pink, brown, hvac, room_tone, tape_hiss or vinyl'),
  col('aug_noise_level_db', 'float64', true, 'noise level as SNR relative to the signal RMS, dB'),
  col('aug_bit_depth', 'int32', true, 'bit depth of the degradation stage'),
  col('aug_sample_rate', 'int32', true, 'sample rate of the degradation stage, Hz (audio is returned at 44.1 kHz)'),
]);

export const SAMPLE_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col('sample_id', 'utf8', false, '{tier3}{profile:03d}_{slug}_{tempo}bpm_{soundfont}_{augmentation}'),
  col('profile_id', 'utf8', false, 'player profile id, e.g. beg003 (deterministic)'),
  col('rudiment_slug', 'utf8', false, 'SOUSA slug of the rudiment, e.g. single_paradiddle'),
  col('pas_number', 'int32', false, 'PAS International Drum Rudiment number, 1-40 (extra)'),
  col('rudiment_category', 'utf8', false, 'roll, diddle, flam or drag (extra)'),
  col('tempo_bpm', 'int32', false, 'quarter-note tempo of the exercise'),
  col('duration_sec', 'float64', false, 'length of the exercise: last onset + 0.5 s (with audio: the audio length)'),
  col('num_cycles', 'int32', false, 'pattern cycles played'),
  col('lead_hand', 'utf8', false, 'hand leading the first cycle, R or L (extra)'),
  col('skill_tier', 'utf8', false, 'beginner, intermediate, advanced or professional'),
  col('skill_tier_binary', 'utf8', false, 'novice (beginner, intermediate) or skilled (advanced, professional)'),
  col('dominant_hand', 'utf8', false, 'right or left'),
  col('split', 'utf8', false, 'train, validation or test (by profile; extra, also in splits.json)'),
  col('midi_path', 'utf8', false, 'midi/{slug}/{sample_id}.mid, relative to the dataset root'),
  col('audio_path', 'utf8', true, 'audio/{slug}/{sample_id}.flac, null without audio'),
  col('num_strokes', 'int32', false, 'rows of this sample in strokes.parquet'),
  col('num_measures', 'int32', false, 'rows of this sample in measures.parquet'),
  col('soundfont', 'utf8', true, 'soundfont used to render, null without audio'),
  col('augmentation_preset', 'utf8', false, 'augmentation preset, or none'),
  col('augmentation_group_id', 'utf8', false, '{profile_id}_{slug}_{tempo}bpm: links the recordings of one performance'),
  col('num_samples', 'int32', true, 'audio frames per channel, null without audio'),
  col('sample_rate', 'int32', true, 'audio sample rate in Hz, null without audio'),
  ...AUGMENTATION_COLUMNS,
]);

export const STROKE_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col('sample_id', 'utf8', false, 'sample this stroke belongs to'),
  col('index', 'int32', false, 'stroke number within the sample, chronological by intended time'),
  col('hand', 'utf8', false, 'R or L'),
  col('stroke_type', 'utf8', false, 'tap, accent, grace, diddle or buzz'),
  col('intended_time_ms', 'float64', false, 'position on the ideal grid (graces: nominal spacing before the primary)'),
  col('actual_time_ms', 'float64', false, 'where the stroke was played = its onset in the audio'),
  col('timing_error_ms', 'float64', false, 'actual - intended; for grace notes the spacing error relative to nominal'),
  col('intended_velocity', 'int32', false, 'ideal MIDI velocity of the stroke role'),
  col('actual_velocity', 'int32', false, 'played MIDI velocity (= the MIDI note-on velocity)'),
  col('velocity_error', 'int32', false, 'actual - intended velocity'),
  col('is_grace_note', 'bool', false, 'flam or drag grace note'),
  col('is_accent', 'bool', false, 'accented as written'),
  col('is_buzz_bounce', 'bool', false, 'generated bounce of a buzz stroke (extra; SOUSA flagged these as grace notes)'),
  col('diddle_position', 'int32', true, '1 or 2 within a same-hand double, else null'),
  col('flam_spacing_ms', 'float64', true, 'grace notes: primary onset - grace onset'),
  col('parent_stroke_index', 'int32', true, 'grace notes and buzz bounces: index of their primary'),
  col('buzz_count', 'int32', true, 'buzz primaries: 1 + number of bounces'),
  col('cycle_index', 'int32', false, 'pattern cycle (= measure index) of the stroke (extra)'),
]);

export const MEASURE_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col('sample_id', 'utf8', false, 'sample this measure belongs to'),
  col('index', 'int32', false, 'measure = pattern cycle number'),
  col('stroke_start', 'int32', false, 'first stroke index of the cycle'),
  col('stroke_end', 'int32', false, 'one past the last stroke index of the cycle'),
  col('timing_mean_error_ms', 'float64', false, 'mean timing error of the cycle'),
  col('timing_std_ms', 'float64', false, 'population std of timing errors'),
  col('timing_max_error_ms', 'float64', false, 'max |timing error|'),
  col('velocity_mean', 'float64', false, 'mean played velocity'),
  col('velocity_std', 'float64', false, 'population std of played velocity'),
  col('velocity_consistency', 'float64', false, '1 - std/mean of velocity'),
  col('lr_velocity_ratio', 'float64', true, 'mean L velocity / mean R velocity, null if one hand'),
  col('lr_timing_diff_ms', 'float64', true, 'mean L error - mean R error'),
]);

/** The 15 exercise scores, in SOUSA's order. */
export const SCORE_NAMES = Object.freeze([
  'timing_accuracy',
  'timing_consistency',
  'tempo_stability',
  'subdivision_evenness',
  'velocity_control',
  'accent_differentiation',
  'accent_accuracy',
  'hand_balance',
  'weak_hand_index',
  'flam_quality',
  'diddle_quality',
  'roll_sustain',
  'groove_feel_proxy',
  'overall_score',
  'tier_confidence',
] as const);

/** Scores that are null where the rudiment has no such element. */
export const NULLABLE_SCORES: ReadonlySet<string> = new Set(['flam_quality', 'diddle_quality', 'roll_sustain']);

/** Valid range of each score (groove and tier confidence are 0-1, the rest 0-100). */
export const SCORE_RANGES: Readonly<Record<(typeof SCORE_NAMES)[number], readonly [number, number]>> = Object.freeze(
  Object.fromEntries(
    SCORE_NAMES.map((n) => [n, n === 'groove_feel_proxy' || n === 'tier_confidence' ? ([0, 1] as const) : ([0, 100] as const)]),
  ) as Record<(typeof SCORE_NAMES)[number], readonly [number, number]>,
);

export const EXERCISE_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  col('sample_id', 'utf8', false, 'sample the scores belong to'),
  ...SCORE_NAMES.map((n) => col(n, 'float64', NULLABLE_SCORES.has(n), `exercise score ${n}`)),
]);

export const TABLES = Object.freeze({
  samples: SAMPLE_COLUMNS,
  exercises: EXERCISE_COLUMNS,
  measures: MEASURE_COLUMNS,
  strokes: STROKE_COLUMNS,
});
export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.freeze(Object.keys(TABLES) as TableName[]);
