/**
 * Augmentation: turns one rendered performance into a recording that sounds like a given room,
 * microphone and recorder, deterministically for (seed, sample id, preset), in every runtime.
 *
 *   room (IR convolution, wet/dry) -> mic (curve, position, distance, self-noise)
 *   -> chain (gain staging, preamp, compressor, EQ) -> degradation (noise, sample rate, bit depth)
 *   -> peak normalisation to -1 dBFS
 *
 * Invariants:
 * - Nothing moves in time: every filter is causal with the direct sound at lag 0 (room IRs,
 *   minimum-phase mic FIR, biquads, one-poles, a feed-forward compressor), except the sample-rate
 *   reduction, which is linear phase and centred (zero delay). An impulse at sample k has its
 *   earliest energy at k after every preset (test/augment.test.ts).
 * - Every draw comes from streams keyed by the sample: rngFor(seed, 'aug/<sampleId>/<stage>'),
 *   the noise and dither from the wasm twins of forks of those streams.
 * - The parameters returned are the ones applied (rounded before use, not after).
 * - NaN or Infinity in the input is an error naming the sample, never a silent file.
 *
 * The kernels live in assembly/ (wasm/sousa.wasm); call `await initKernels()` once per thread or
 * let `augmentAudio` do it.
 */
import { AugmentError } from '../errors.js';
import type { SousaWasm } from '../platform/wasm.js';
import { rngFor } from '../random/index.js';
import { applyChainAt } from './chain.js';
import { applyDegradeAt } from './degrade.js';
import { dbToGain, firstNonFiniteAt, peakAbsFiniteAt, scaleAt } from './dsp.js';
import { ensureKernels } from './kernels.js';
import { addSelfNoiseAt, type MicOptions } from './mic.js';
import { emptyAugmentationParams, type AugmentationParams } from './params.js';
import { PRESET_SPECS, PRESET_VARIATION, checkPresetName, type AugmentationPresetName, type PresetSpec } from './presets.js';
import { ROOM_TYPES, applyRoomMicFilterAt, measureRt60S, prepareImpulseResponse, type RoomIrSource } from './room.js';

export * from './params.js';
export * from './presets.js';
export { decodeImpulseResponse } from './ir.js';
export { ROOM_TYPES, ROOM_TYPE_NAMES, measureRt60S, roomImpulseResponse, type RoomTypeName } from './room.js';
export { MIC_CURVES, MIC_POSITIONS, MIC_TYPES, MIC_POSITION_NAMES, type MicType, type MicPosition } from './mic.js';
export { PREAMP_TYPES, type PreampType } from './chain.js';
export { NOISE_TYPES, type NoiseType } from './dsp.js';
export { initKernels } from './kernels.js';

/** A user impulse response, already decoded (see {@link decodeImpulseResponse}) at the output rate. */
export interface ImpulseResponseInput {
  /** Name recorded in `aug_ir_name`; IRs whose name starts with a room type are preferred for that room. */
  readonly name: string;
  readonly samples: Float32Array;
}

/** Options of {@link augmentAudio}. */
export interface AugmentAudioOptions {
  /** One of AUGMENTATION_PRESETS. */
  presetName: string;
  /** Global seed of the dataset. */
  seed: number | bigint;
  /** Stable id of the sample: keys every random stream. */
  sampleId: string;
  /** Sample rate of `audio` in Hz. Default 44100. */
  sampleRateHz?: number;
  /** User impulse responses; when given, rooms use them instead of synthetic IRs. */
  impulseResponses?: readonly ImpulseResponseInput[];
  /** Kernel instance. Default: the thread's (see initKernels). */
  wasm?: SousaWasm;
}

/** Result of {@link augmentAudio}. */
export interface AugmentedAudio {
  /** The augmented audio, same length and rate as the input, peak at -1 dBFS (silence stays silent). */
  audio: Float32Array;
  /** The parameters applied, one column each. */
  params: AugmentationParams;
}

/** Final peak level, dBFS. */
export const OUTPUT_PEAK_DB = -1;

function roundTo(x: number, decimals: 0 | 1 | 2 | 3): number {
  const f = [1, 10, 100, 1000][decimals]!;
  return Math.round(x * f) / f;
}

/** A user IR prepared for convolution (direct sound at 0, unit energy) and its measured RT60 (s, or NaN). */
interface PreparedIr {
  readonly samples: Float32Array;
  readonly rt60S: number;
}

const preparedIrs = new WeakMap<Float32Array, Map<number, PreparedIr>>();

/** Prepares and measures a user IR once per array and sample rate. */
function preparedIr(ir: ImpulseResponseInput, fs: number): PreparedIr {
  let byRate = preparedIrs.get(ir.samples);
  if (byRate === undefined) {
    byRate = new Map();
    preparedIrs.set(ir.samples, byRate);
  }
  let p = byRate.get(fs);
  if (p === undefined) {
    const samples = prepareImpulseResponse(ir.samples, ir.name);
    p = { samples, rt60S: measureRt60S(samples, fs) };
    byRate.set(fs, p);
  }
  return p;
}

/**
 * Augments mono `audio` with preset `presetName`, varied per sample inside the preset's ranges.
 * Same (seed, sampleId, preset, input) -> same bytes in Node, Deno and browsers. Throws
 * {@link AugmentError} for an unknown preset (listing the valid ones), bad options, or
 * non-finite input (naming the sample).
 */
export async function augmentAudio(audio: Float32Array, opts: AugmentAudioOptions): Promise<AugmentedAudio> {
  if (!(audio instanceof Float32Array) || audio.length === 0) {
    throw new AugmentError(
      'AUGMENT_EMPTY',
      `expected a non-empty Float32Array of audio, got ${audio instanceof Float32Array ? '0 samples' : typeof audio} (sample ${String(opts.sampleId)})`,
    );
  }
  const wasm = opts.wasm ?? (await ensureKernels());
  const n = audio.length;
  const ptr = wasm.alloc(n * 4);
  try {
    wasm.f32(ptr, n).set(audio);
    const params = augmentAt(wasm, ptr, n, opts);
    return { audio: wasm.f32(ptr, n).slice(), params };
  } finally {
    wasm.free(ptr);
  }
}

/**
 * {@link augmentAudio} in place on the `n` f32 samples at `ptr` in the module memory of `wasm`
 * (the caller allocated them with `wasm.alloc`): no copies in or out, for callers that keep the
 * audio in module memory (the dataset engine encodes FLAC straight from there). Returns the
 * parameters applied; throws {@link AugmentError} as augmentAudio does.
 */
export function augmentAt(wasm: SousaWasm, ptr: number, n: number, opts: Omit<AugmentAudioOptions, 'wasm'>): AugmentationParams {
  const { sampleId } = opts;
  if (typeof sampleId !== 'string' || sampleId === '') {
    throw new AugmentError('AUGMENT_OPTIONS', `expected a non-empty sampleId, got ${JSON.stringify(sampleId)} (in augmentAudio)`);
  }
  const preset = checkPresetName(opts.presetName, `augmentAudio, sample ${sampleId}`);
  const seed = opts.seed;
  if (!(typeof seed === 'bigint' || (Number.isSafeInteger(seed) && seed >= 0))) {
    throw new AugmentError('AUGMENT_OPTIONS', `expected a non-negative integer seed, got ${String(seed)} (sample ${sampleId})`);
  }
  const fs = opts.sampleRateHz ?? 44_100;
  if (!(Number.isInteger(fs) && fs >= 8000 && fs <= 192_000)) {
    throw new AugmentError('AUGMENT_OPTIONS', `expected sampleRateHz to be an integer 8000-192000, got ${fs} (sample ${sampleId})`);
  }
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(ptr) && ptr > 0 && ptr % 4 === 0 && ptr + n * 4 <= wasm.memory.buffer.byteLength)) {
    throw new AugmentError('AUGMENT_EMPTY', `expected a non-empty block of f32 samples in module memory, got ${n} samples at ${ptr} (sample ${sampleId})`);
  }
  const where = `sample ${sampleId}, preset ${preset}`;
  const peakIn = peakAbsFiniteAt(wasm, ptr, n);
  if (Number.isNaN(peakIn)) {
    const bad = firstNonFiniteAt(wasm, ptr, n);
    throw new AugmentError('AUGMENT_NOT_FINITE', `expected finite audio, got ${wasm.f32(ptr + bad * 4, 1)[0]} at index ${bad} (${where})`);
  }
  // Silence stays silent: the noise levels are relative to the signal and the normalisation
  // would turn the dither of an empty recording into full-scale noise.
  const silent = peakIn === 0;
  const params = runPreset(wasm, silent ? null : ptr, n, PRESET_SPECS[preset], preset, seed, sampleId, fs, opts.impulseResponses ?? []);
  // The final peak scan also checks every sample is finite; scaling by a finite gain to a -1 dBFS
  // peak cannot make one infinite.
  const peakOut = peakAbsFiniteAt(wasm, ptr, n);
  if (Number.isNaN(peakOut)) {
    const badOut = firstNonFiniteAt(wasm, ptr, n);
    throw new AugmentError('AUGMENT_NOT_FINITE', `augmentation produced a non-finite sample at index ${badOut} (${where}): this is a bug, please report it`);
  }
  if (peakOut > 0) scaleAt(wasm, ptr, n, dbToGain(OUTPUT_PEAK_DB) / peakOut);
  return params;
}

/**
 * Draws the preset's parameters for the sample and, unless `ptr` is null (silent input: parameters
 * only), applies the stages in place to the n samples at `ptr`.
 */
function runPreset(
  wasm: SousaWasm,
  ptr: number | null,
  n: number,
  spec: PresetSpec,
  preset: AugmentationPresetName,
  seed: number | bigint,
  sampleId: string,
  fs: number,
  irs: readonly ImpulseResponseInput[],
): AugmentationParams {
  const v = PRESET_VARIATION;
  const p = emptyAugmentationParams();
  const key = (stage: string): string => `aug/${sampleId}/${stage}`;

  // Room and mic are linear and time-invariant: their filters are combined into one IR and the
  // audio is convolved once (applyRoomMicFilterAt); the mic's self-noise is added after.
  let room: RoomIrSource | null = null;
  if (spec.room !== null) {
    const rng = rngFor(seed, key('room'));
    const rt60Factor = rng.uniform(v.rt60Factor[0], v.rt60Factor[1]);
    const wet = roundTo(Math.min(1, spec.room.wetDry * rng.uniform(v.wetDryFactor[0], v.wetDryFactor[1])), 3);
    if (irs.length > 0) {
      const type = spec.room.type;
      const matching = irs.filter((r) => r.name.toLowerCase().startsWith(type));
      const pool = matching.length > 0 ? matching : irs;
      const chosen = pool[rng.int(pool.length)]!;
      const prepared = preparedIr(chosen, fs);
      room = { kind: 'user', samples: prepared.samples, wetDry: wet };
      p.aug_ir_name = chosen.name;
      p.aug_rt60_s = Number.isFinite(prepared.rt60S) ? roundTo(prepared.rt60S, 3) : null;
    } else {
      const rt60 = roundTo(ROOM_TYPES[spec.room.type].rt60S * rt60Factor, 3);
      // The IR's own draws (reflections, tail seed) come from the rest of `rng`, taken when it is built.
      room = { kind: 'synthetic', type: spec.room.type, rng, rt60S: rt60, sampleRateHz: fs, wetDry: wet };
      p.aug_ir_name = 'synthetic';
      p.aug_rt60_s = rt60;
    }
    p.aug_room_type = spec.room.type;
    p.aug_room_wet_dry = wet;
  }

  {
    const rng = rngFor(seed, key('mic'));
    const distance = roundTo(spec.mic.distanceM * rng.uniform(v.distanceFactor[0], v.distanceFactor[1]), 3);
    const mic: MicOptions = {
      type: spec.mic.type,
      position: spec.mic.position,
      distanceM: distance,
      noiseSeed: rng.fork('self_noise').seed,
      sampleRateHz: fs,
      selfNoiseDb: -80,
      firTaps: 1023,
    };
    if (ptr !== null) {
      applyRoomMicFilterAt(wasm, ptr, n, room, mic);
      addSelfNoiseAt(wasm, ptr, n, mic);
    }
    p.aug_mic_type = spec.mic.type;
    p.aug_mic_position = spec.mic.position;
    p.aug_mic_distance = distance;
  }

  {
    const rng = rngFor(seed, key('chain'));
    // Every factor is drawn, used or not, so that the draws never shift between presets.
    const driveFactor = rng.uniform(v.driveFactor[0], v.driveFactor[1]);
    const ratioFactor = rng.uniform(v.ratioFactor[0], v.ratioFactor[1]);
    const thresholdOffset = rng.uniform(v.thresholdOffsetDb[0], v.thresholdOffsetDb[1]);
    const hpFactor = rng.uniform(v.eqFactor[0], v.eqFactor[1]);
    const lpFactor = rng.uniform(v.eqFactor[0], v.eqFactor[1]);
    const drive = roundTo(Math.min(1, spec.preamp.drive * driveFactor), 3);
    const compressor =
      spec.compressor === null
        ? null
        : {
            ratio: roundTo(Math.max(1, spec.compressor.ratio * ratioFactor), 2),
            thresholdDb: roundTo(spec.compressor.thresholdDb + thresholdOffset, 1),
          };
    const highpassHz = roundTo(spec.eq.highpassHz * hpFactor, 1);
    const lowpassHz = Math.min(roundTo(spec.eq.lowpassHz * lpFactor, 0), Math.floor(0.45 * fs));
    if (ptr !== null) applyChainAt(wasm, ptr, n, { preamp: spec.preamp.type, drive, compressor, highpassHz, lowpassHz, sampleRateHz: fs });
    p.aug_preamp = spec.preamp.type;
    p.aug_preamp_drive = drive;
    p.aug_compression_ratio = compressor?.ratio ?? null;
    p.aug_compression_threshold_db = compressor?.thresholdDb ?? null;
    p.aug_eq_highpass_hz = highpassHz;
    p.aug_eq_lowpass_hz = lowpassHz;
  }

  {
    const rng = rngFor(seed, key('degrade'));
    const noiseOffset = rng.uniform(v.noiseOffsetDb[0], v.noiseOffsetDb[1]);
    const noise = spec.noise === null ? null : { type: spec.noise.type, levelDb: roundTo(spec.noise.levelDb + noiseOffset, 1) };
    const reduced = spec.reducedSampleRateHz !== null && spec.reducedSampleRateHz < fs ? spec.reducedSampleRateHz : null;
    if (ptr !== null) {
      applyDegradeAt(wasm, ptr, n, {
        noise,
        reducedSampleRateHz: reduced,
        bitDepth: spec.bitDepth,
        noiseSeed: rng.fork('noise').seed,
        ditherSeed: rng.fork('dither').seed,
        sampleRateHz: fs,
      });
    }
    p.aug_noise_type = noise?.type ?? null;
    p.aug_noise_level_db = noise?.levelDb ?? null;
    p.aug_bit_depth = spec.bitDepth;
    p.aug_sample_rate = reduced;
  }
  return p;
}
