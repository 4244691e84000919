/**
 * A kit's samples: every velocity layer × round-robin variant, levelled, trimmed and quantised to
 * 16-bit. Deterministic from (seed, kit name); each sample has its own random stream
 * `kit/<name>/layer<i>/variant<r>`, so changing one layer never changes another.
 */
import { SynthError } from '../../errors.js';
import { rngFor } from '../../random/index.js';
import { detCos, detExp, detPow } from '../../math/det.js';
import {
  DEFAULT_KIT_SEED,
  KIT_LAYER_LEVEL_EXPONENT,
  KIT_ROUND_ROBIN_VARIANTS,
  KIT_VELOCITY_LAYERS,
  getKit,
} from './definitions.js';
import type { KitDefinition } from './definitions.js';
import { synthesizeHit } from './synthesize-hit.js';
import type { HitDraws } from './synthesize-hit.js';

/** Options of {@link synthesizeKitSamples} and `synthesizeKitSf2`. */
export interface KitSynthOptions {
  /** Global seed of every random draw (default {@link DEFAULT_KIT_SEED}). */
  seed: number | bigint;
  /** Sample rate of the samples, Hz, integer 8000..192000 (default 44100). */
  sampleRateHz: number;
}

/** Defaults of {@link KitSynthOptions}. */
export const DEFAULT_KIT_SYNTH_OPTIONS: Readonly<KitSynthOptions> = Object.freeze({
  seed: DEFAULT_KIT_SEED,
  sampleRateHz: 44_100,
});

/** One stored sample of a kit. */
export interface KitSample {
  /** SF2 sample name, at most 20 characters: `<kit>-v<layer+1><variant letter>`. */
  name: string;
  /** Velocity layer, 0-based (index into KIT_VELOCITY_LAYERS). */
  layer: number;
  /** Round-robin variant, 0-based. */
  variant: number;
  /** MIDI velocity this layer was synthesised for. */
  recordedVelocity: number;
  /** Mono 16-bit PCM, starting at the stroke's onset. */
  pcm: Int16Array;
  /** The random choices behind this sample. */
  draws: HitDraws;
}

/** All samples of one kit, layer-major (layer 0 variants 0..3, layer 1 …). */
export interface KitSamples {
  kit: KitDefinition;
  seed: bigint;
  sampleRateHz: number;
  samples: KitSample[];
}

/** Level of each sample is set on the RMS of its first 50 ms: the attack a listener hears. */
const LEVEL_WINDOW_MS = 50;
/** Samples end where they fall 66 dB below their own peak (about 10 LSB for the quietest layer). */
const TRIM_DB = -66;
const FADE_MS = 10;
/** Highest sample peak allowed (full scale is 1). */
const MAX_PEAK = 0.999;
/** Random per-variant level spread, dB (standard deviation): nobody hits twice the same. */
const VARIANT_LEVEL_SD_DB = 0.3;

/** Resolve and validate options; throws `SynthError` on a bad sample rate. */
export function resolveKitOptions(opts: Partial<KitSynthOptions> | undefined, where: string): KitSynthOptions {
  const o = { ...DEFAULT_KIT_SYNTH_OPTIONS, ...opts };
  if (!(Number.isInteger(o.sampleRateHz) && o.sampleRateHz >= 8000 && o.sampleRateHz <= 192_000)) {
    throw new SynthError(
      'KIT_SAMPLE_RATE',
      `sampleRateHz must be an integer 8000..192000, got ${o.sampleRateHz} (in ${where})`,
    );
  }
  return o;
}

/** Synthesise every sample of the built-in kit `name`. Pure and deterministic. */
export function synthesizeKitSamples(name: string, opts?: Partial<KitSynthOptions>): KitSamples {
  const kit = getKit(name, 'synthesizeKitSamples');
  const { seed, sampleRateHz } = resolveKitOptions(opts, 'synthesizeKitSamples');
  const length = Math.ceil((kit.maxLengthMs / 1000) * sampleRateHz);
  const window = Math.min(length, Math.round((LEVEL_WINDOW_MS / 1000) * sampleRateHz));

  const raw: { layer: number; variant: number; audio: Float64Array; draws: HitDraws }[] = [];
  KIT_VELOCITY_LAYERS.forEach((layer, li) => {
    const drive = layer.recordedVelocity / 127;
    const target = detPow(drive, KIT_LAYER_LEVEL_EXPONENT);
    for (let variant = 0; variant < KIT_ROUND_ROBIN_VARIANTS; variant++) {
      const rng = rngFor(seed, `kit/${kit.name}/layer${li}/variant${variant}`);
      const { audio, draws } = synthesizeHit(kit, drive, rng, sampleRateHz, length);
      let energy = 0;
      for (let i = 0; i < window; i++) energy += audio[i]! * audio[i]!;
      const rms = Math.sqrt(energy / window);
      const jitter = detExp((VARIANT_LEVEL_SD_DB / 8.685889638065035) * rng.standardNormal());
      const gain = rms > 0 ? (target * jitter) / rms : 0;
      for (let i = 0; i < length; i++) audio[i] = audio[i]! * gain;
      raw.push({ layer: li, variant, audio, draws });
    }
  });

  // One gain for the whole kit keeps the layers' relative levels. The loudest layer's RMS is 1
  // (times the jitter) at this point, so the gain is the kit's level, unless a peak would clip.
  let kitPeak = 0;
  for (const r of raw) for (const x of r.audio) kitPeak = Math.max(kitPeak, Math.abs(x));
  const kitGain = Math.min(detExp((kit.levelDb / 20) * Math.LN10), kitPeak > 0 ? MAX_PEAK / kitPeak : 0);

  const fade = Math.round((FADE_MS / 1000) * sampleRateHz);
  const samples = raw.map((r): KitSample => {
    const a = r.audio;
    let peak = 0;
    for (let i = 0; i < a.length; i++) {
      a[i] = a[i]! * kitGain;
      peak = Math.max(peak, Math.abs(a[i]!));
    }
    const floor = peak * detExp((TRIM_DB / 20) * Math.LN10);
    let last = a.length - 1;
    while (last > 0 && Math.abs(a[last]!) < floor) last--;
    const end = Math.min(a.length, last + 1 + fade);
    const pcm = new Int16Array(end);
    for (let i = 0; i < end; i++) {
      // Raised-cosine fade over the samples past `last` (already below the trim level).
      const g = i <= last ? 1 : 0.5 + 0.5 * detCos((Math.PI * (i - last)) / (end - last));
      pcm[i] = Math.max(-32768, Math.min(32767, Math.round(a[i]! * g * 32767)));
    }
    const layer = KIT_VELOCITY_LAYERS[r.layer]!;
    return {
      name: `${kit.name}-v${r.layer + 1}${String.fromCharCode(97 + r.variant)}`,
      layer: r.layer,
      variant: r.variant,
      recordedVelocity: layer.recordedVelocity,
      pcm,
      draws: r.draws,
    };
  });
  return { kit, seed: BigInt.asUintN(64, BigInt(seed)), sampleRateHz, samples };
}
