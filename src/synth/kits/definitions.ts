/**
 * The built-in snare kits: their physical parameters, the velocity-layer layout and the
 * round-robin mapping shared by the SF2 writer and the renderer. See README.md in this folder.
 */
import { SynthError } from '../../errors.js';
import { detLn } from '../../random/index.js';

/** Batter head: an ideal circular membrane struck at a point (modes at Bessel-zero ratios). */
export interface HeadParams {
  /** Head diameter, inches (14 for a standard snare). */
  readonly diameterIn: number;
  /** Membrane tension, N/m. Sets the fundamental with the diameter and the areal density. */
  readonly tensionNPerM: number;
  /** Head areal density, kg/m² (10-mil Mylar ≈ 0.35, Kevlar marching heads heavier). */
  readonly arealDensityKgPerM2: number;
  /** 60 dB decay time of the fundamental mode, ms (damping, muffling, coupling to the shell). */
  readonly t60Ms: number;
  /** Mode k decays with T60 · ratio_k^-dampingExponent: higher modes die faster. */
  readonly dampingExponent: number;
  /** Spectral tilt of mode amplitudes, ratio_k^-tilt (radiation and air loading, lumped). */
  readonly tilt: number;
  /** Strike position as a fraction of the radius, drawn uniformly per variant from [lo, hi]. */
  readonly strikeRadius: readonly [number, number];
  /** Standard deviation of each mode's random detuning, percent (uneven tension round the rim). */
  readonly detunePct: number;
  /** Upward pitch offset at full velocity, percent; it glides away (tension modulation). */
  readonly pitchGlidePct: number;
  /** Time constant of the pitch glide, ms. */
  readonly glideMs: number;
  /** Modes above this multiple of the fundamental are left out. */
  readonly maxModeRatio: number;
  /** Mix level of the batter head. */
  readonly level: number;
}

/** Resonant (snare-side) head, driven through the enclosed air; the wires rattle against it. */
export interface ResonantHeadParams {
  /** Its fundamental as a multiple of the batter head's fundamental. */
  readonly ratio: number;
  /** 60 dB decay time of its fundamental, ms. */
  readonly t60Ms: number;
  /** Mix level. */
  readonly level: number;
}

/** Shell, hoop and (for the pad) body resonances: fixed damped modes. */
export interface BodyParams {
  /** Mode frequencies, Hz; each is detuned by up to ±2 % per variant. */
  readonly modesHz: readonly number[];
  /** 60 dB decay time of the lowest mode, ms; mode k uses t60Ms · (f_0 / f_k)^0.5. */
  readonly t60Ms: number;
  /** Mix level of the lowest mode; mode k is scaled by 1 / (1 + k / 2). */
  readonly level: number;
}

/**
 * Snare wires: band-passed noise that starts when the pressure wave reaches the snare-side head
 * (a fraction of a millisecond later), rises within a millisecond and then decays in two parts:
 * the burst of the first slap of the wires against the head, and the buzz that follows the
 * resonant head's ring, whose decay is set by wire tension.
 */
export interface WireParams {
  /** Mix level at full velocity. */
  readonly level: number;
  /** Lower edge of the wire band (two 2nd-order high-passes), Hz. */
  readonly lowHz: number;
  /** Upper edge at full velocity (two 2nd-order low-passes), Hz; scaled by 0.65 + 0.35·drive. */
  readonly highHz: number;
  /** Delay between stick contact and the wires' first rattle, ms (about shell depth / speed of sound). */
  readonly delayMs: number;
  /** Rise time constant of the wire noise, ms (well under 1: the wires are thrown, not faded in). */
  readonly attackMs: number;
  /** Share (0..1) of the initial wire amplitude in the fast burst; the rest is the buzz. */
  readonly burstShare: number;
  /** Decay time constant of the burst, ms. */
  readonly burstMs: number;
  /** 60 dB decay time of the buzz after the burst, ms (tighter wires: shorter). */
  readonly t60Ms: number;
  /** Wire level relative to the head grows as drive^(exponent − 1): more snare when hit harder. */
  readonly velocityExponent: number;
  /** Depth (0..1) of the rattle: noise amplitude-modulated at the resonant head's frequency. */
  readonly rattle: number;
}

/** The stick: contact time shapes the brightness of everything it excites. */
export interface StickParams {
  /** Stick-head contact time as drive → 0, ms (moves to contactHardMs as drive^0.8). */
  readonly contactSoftMs: number;
  /** Contact time at drive 1 (velocity 127), ms; shorter contact: brighter hit. */
  readonly contactHardMs: number;
  /** Level of the broadband contact click at full velocity. */
  readonly clickLevel: number;
  /** Decay time constant of the click, ms. */
  readonly clickMs: number;
  /** Click low-pass corner as drive → 0, Hz (linear in drive). */
  readonly clickSoftHz: number;
  /** Click low-pass corner at drive 1, Hz. */
  readonly clickHardHz: number;
  /** Resonance of the stick (and rim, for cross-stick), Hz. */
  readonly tockHz: number;
  /** 60 dB decay time of the stick resonance, ms. */
  readonly tockT60Ms: number;
  /** Mix level of the stick resonance. */
  readonly tockLevel: number;
}

/** One built-in kit. */
export interface KitDefinition {
  /** Lookup name and file stem: lowercase, at most 8 characters. */
  readonly name: string;
  /** One line a drummer would recognise. */
  readonly description: string;
  /** GM keys the kit answers on (38 acoustic snare, 40 electric snare, 37 side stick). */
  readonly keys: readonly number[];
  /**
   * Loudness: RMS of the first 50 ms of the loudest layer, dB re full scale. Lowered for the whole
   * kit if a sample would otherwise peak above 0.999.
   */
  readonly levelDb: number;
  /** Longest sample synthesised before trimming, ms. */
  readonly maxLengthMs: number;
  /** Batter head, or null (practice pad). */
  readonly head: HeadParams | null;
  /** Resonant head, or null (no air-coupled second head worth modelling). */
  readonly resonantHead: ResonantHeadParams | null;
  /** Shell and hoop modes (the pad's body). */
  readonly shell: BodyParams;
  /** Snare wires, or null (practice pad). */
  readonly wires: WireParams | null;
  /** The stick. */
  readonly stick: StickParams;
}

/** GM percussion keys the kits use. */
export const KIT_KEYS = { sideStick: 37, acousticSnare: 38, electricSnare: 40 } as const;

/**
 * Velocity layers, in the order they are stored. Each layer is synthesised at the top velocity of
 * its range and stored at level (maxVelocity/127)^{@link KIT_LAYER_LEVEL_EXPONENT}: louder layers
 * really are louder (and brighter) in the file. Playback level follows the GM law
 * (v/127)^2 exactly at every velocity, with the top layer at full stored level:
 * the instrument overrides the default velocity-to-attenuation modulator with
 * {@link KIT_VELOCITY_ATTENUATION_CB} (amplitude ∝ (v/127)^(2-exponent)) and each single-velocity
 * zone carries the remainder, {@link zoneAttenuation}, so there is no level step at a layer
 * boundary, only the change of timbre.
 */
export const KIT_VELOCITY_LAYERS = [
  { minVelocity: 1, maxVelocity: 31, recordedVelocity: 31 },
  { minVelocity: 32, maxVelocity: 55, recordedVelocity: 55 },
  { minVelocity: 56, maxVelocity: 79, recordedVelocity: 79 },
  { minVelocity: 80, maxVelocity: 103, recordedVelocity: 103 },
  { minVelocity: 104, maxVelocity: 127, recordedVelocity: 127 },
] as const;

/** Round-robin variations per velocity layer. */
export const KIT_ROUND_ROBIN_VARIANTS = 4;

/** Stored level of a layer's samples: (recordedVelocity/127)^exponent (before the kit's gain). */
export const KIT_LAYER_LEVEL_EXPONENT = 0.5;

/**
 * Amount of the instrument's velocity-to-attenuation modulator (same sources as the SF2 default,
 * which it overrides), centibels: 960 would give amplitude (v/127)^2; the layers carry part of it.
 */
export const KIT_VELOCITY_ATTENUATION_CB = (960 * (2 - KIT_LAYER_LEVEL_EXPONENT)) / 2;

/**
 * FluidSynth and spessasynth, like the E-mu hardware SF2 was designed on, scale the
 * initialAttenuation generator by 0.4 (FluidSynth's EMU_ATTENUATION_FACTOR in fluid_defsfont.c,
 * spessasynth's getVoiceParameters): a value of 100 attenuates by 40 cB. Seen with native
 * fluidsynth 2.3.1: a zone written with 34 cB played 1.4 dB down, not 3.4.
 */
export const SF2_ATTENUATION_SCALE = 0.4;

/**
 * initialAttenuation generator value of the zone for `velocity`: the stored layer's level above
 * the GM law at that velocity, 200·exponent·log10(recordedVelocity / velocity) centibels, divided
 * by {@link SF2_ATTENUATION_SCALE} and rounded. 0 at the top of every layer.
 */
export function zoneAttenuation(velocity: number): number {
  const v = clampVelocity(velocity);
  const layer = KIT_VELOCITY_LAYERS[layerForVelocity(v)]!;
  const centibels = (200 * KIT_LAYER_LEVEL_EXPONENT * detLn(layer.recordedVelocity / v)) / Math.LN10;
  return Math.round(centibels / SF2_ATTENUATION_SCALE);
}

/** Round-robin rotation per key: key 40 (and 37) walk the variants in a shifted order. */
const KEY_ROTATION: Readonly<Record<number, number>> = { 37: 1, 38: 0, 40: 2 };

/** Global seed used when none is given: the built-in kits are this seed's kits. */
export const DEFAULT_KIT_SEED = 1;

const MYLAR = 0.35;

/**
 * The kits. Tensions are nominal: with the ideal-membrane formula (air loading ignored) they place
 * the fundamentals where those drums are usually tuned (see README.md for the resulting Hz).
 */
export const BUILTIN_KITS = [
  {
    name: 'pad',
    description: 'Gum-rubber practice pad on a wooden base: short dry thud with a tick, no wires',
    keys: [38, 40],
    levelDb: -20,
    maxLengthMs: 250,
    head: null,
    resonantHead: null,
    shell: { modesHz: [820, 1700, 2750, 4200], t60Ms: 60, level: 0.9 },
    wires: null,
    stick: {
      contactSoftMs: 2.2,
      contactHardMs: 1.0,
      clickLevel: 1.3,
      clickMs: 1.2,
      clickSoftHz: 3000,
      clickHardHz: 11000,
      tockHz: 1900,
      tockT60Ms: 30,
      tockLevel: 0.35,
    },
  },
  {
    name: 'concert',
    description: 'Concert snare, 14x6.5 wood, calf-like coated head, sensitive cable wires, played off centre',
    keys: [38, 40],
    levelDb: -14.5,
    maxLengthMs: 1000,
    head: {
      diameterIn: 14,
      tensionNPerM: 3500,
      arealDensityKgPerM2: MYLAR,
      t60Ms: 450,
      dampingExponent: 0.7,
      tilt: 0.5,
      strikeRadius: [0.25, 0.45],
      detunePct: 0.6,
      pitchGlidePct: 2.0,
      glideMs: 40,
      maxModeRatio: 12,
      level: 1.0,
    },
    resonantHead: { ratio: 1.45, t60Ms: 450, level: 0.3 },
    shell: { modesHz: [430, 1020, 1650], t60Ms: 80, level: 0.1 },
    wires: {
      level: 7.2,
      lowHz: 2500,
      highHz: 11000,
      delayMs: 0.5,
      attackMs: 0.3,
      burstShare: 0.85,
      burstMs: 4.5,
      t60Ms: 420,
      velocityExponent: 1.15,
      rattle: 0.35,
    },
    stick: {
      contactSoftMs: 1.6,
      contactHardMs: 0.6,
      clickLevel: 0.6,
      clickMs: 0.8,
      clickSoftHz: 2500,
      clickHardHz: 10000,
      tockHz: 2900,
      tockT60Ms: 20,
      tockLevel: 0.04,
    },
  },
  {
    name: 'marching',
    description: 'Marching snare, 14x12 with a Kevlar head cranked high: crisp, dry, very loud crack',
    keys: [38, 40],
    levelDb: -12,
    maxLengthMs: 700,
    head: {
      diameterIn: 14,
      tensionNPerM: 17500,
      arealDensityKgPerM2: 0.45,
      t60Ms: 280,
      dampingExponent: 0.6,
      tilt: 0.3,
      strikeRadius: [0.1, 0.3],
      detunePct: 0.5,
      pitchGlidePct: 2.5,
      glideMs: 25,
      maxModeRatio: 12,
      level: 0.85,
    },
    resonantHead: { ratio: 1.3, t60Ms: 250, level: 0.3 },
    shell: { modesHz: [520, 1200, 2100], t60Ms: 60, level: 0.1 },
    wires: {
      level: 10.5,
      lowHz: 2800,
      highHz: 12000,
      delayMs: 0.9,
      attackMs: 0.3,
      burstShare: 0.85,
      burstMs: 3.5,
      t60Ms: 200,
      velocityExponent: 1.2,
      rattle: 0.3,
    },
    stick: {
      contactSoftMs: 1.0,
      contactHardMs: 0.35,
      clickLevel: 0.6,
      clickMs: 0.7,
      clickSoftHz: 3500,
      clickHardHz: 13000,
      tockHz: 3100,
      tockT60Ms: 18,
      tockLevel: 0.05,
    },
  },
  {
    name: 'kitsnare',
    description: 'Drum-kit snare, 14x6.5 metal shell tuned low: fat body with some ring, looser wires',
    keys: [38, 40],
    levelDb: -14.5,
    maxLengthMs: 1200,
    head: {
      diameterIn: 14,
      tensionNPerM: 2450,
      arealDensityKgPerM2: MYLAR,
      t60Ms: 600,
      dampingExponent: 0.8,
      tilt: 0.6,
      strikeRadius: [0.15, 0.4],
      detunePct: 0.7,
      pitchGlidePct: 3.0,
      glideMs: 45,
      maxModeRatio: 12,
      level: 1.0,
    },
    resonantHead: { ratio: 1.5, t60Ms: 600, level: 0.35 },
    shell: { modesHz: [380, 900, 1500], t60Ms: 110, level: 0.15 },
    wires: {
      level: 9.0,
      lowHz: 1800,
      highHz: 9000,
      delayMs: 0.6,
      attackMs: 0.4,
      burstShare: 0.85,
      burstMs: 5,
      t60Ms: 320,
      velocityExponent: 1.35,
      rattle: 0.6,
    },
    stick: {
      contactSoftMs: 1.8,
      contactHardMs: 0.7,
      clickLevel: 0.5,
      clickMs: 0.8,
      clickSoftHz: 2200,
      clickHardHz: 8500,
      tockHz: 2800,
      tockT60Ms: 20,
      tockLevel: 0.04,
    },
  },
  {
    name: 'piccolo',
    description: 'Piccolo snare, 13x3.5 tuned high: bright, short, tight wires',
    keys: [38, 40],
    levelDb: -15,
    maxLengthMs: 700,
    head: {
      diameterIn: 13,
      tensionNPerM: 12500,
      arealDensityKgPerM2: MYLAR,
      t60Ms: 330,
      dampingExponent: 0.65,
      tilt: 0.5,
      strikeRadius: [0.2, 0.35],
      detunePct: 0.5,
      pitchGlidePct: 1.5,
      glideMs: 30,
      maxModeRatio: 12,
      level: 1.0,
    },
    resonantHead: { ratio: 1.35, t60Ms: 300, level: 0.3 },
    shell: { modesHz: [600, 1400, 2500], t60Ms: 60, level: 0.1 },
    wires: {
      level: 9.6,
      lowHz: 3500,
      highHz: 13000,
      delayMs: 0.3,
      attackMs: 0.3,
      burstShare: 0.85,
      burstMs: 3.5,
      t60Ms: 200,
      velocityExponent: 1.3,
      rattle: 0.3,
    },
    stick: {
      contactSoftMs: 1.3,
      contactHardMs: 0.45,
      clickLevel: 0.6,
      clickMs: 0.7,
      clickSoftHz: 3000,
      clickHardHz: 12000,
      tockHz: 3000,
      tockT60Ms: 18,
      tockLevel: 0.05,
    },
  },
  {
    name: 'rimclick',
    description: 'Cross-stick (side stick, rim click) on a kit snare: woody click of stick on rim, little head, faint wires',
    keys: [37, 38, 40],
    levelDb: -22,
    maxLengthMs: 500,
    head: {
      diameterIn: 14,
      tensionNPerM: 2450,
      arealDensityKgPerM2: MYLAR,
      t60Ms: 250,
      dampingExponent: 0.8,
      tilt: 0.7,
      strikeRadius: [0.85, 0.95],
      detunePct: 0.7,
      pitchGlidePct: 0.3,
      glideMs: 30,
      maxModeRatio: 10,
      level: 0.12,
    },
    resonantHead: null,
    shell: { modesHz: [520, 1150, 1900, 2900, 4100, 5600], t60Ms: 140, level: 0.18 },
    wires: {
      level: 0.12,
      lowHz: 2000,
      highHz: 8000,
      delayMs: 0.6,
      attackMs: 0.6,
      burstShare: 0.7,
      burstMs: 5,
      t60Ms: 150,
      velocityExponent: 1.5,
      rattle: 0.5,
    },
    stick: {
      contactSoftMs: 0.9,
      contactHardMs: 0.4,
      clickLevel: 2.5,
      clickMs: 1.0,
      clickSoftHz: 5000,
      clickHardHz: 14000,
      tockHz: 2400,
      tockT60Ms: 60,
      tockLevel: 1.0,
    },
  },
] as const satisfies readonly KitDefinition[];

/** Name of a built-in kit. */
export type KitName = (typeof BUILTIN_KITS)[number]['name'];

/** Names of the built-in kits, in {@link BUILTIN_KITS} order. */
export const KIT_NAMES: readonly KitName[] = BUILTIN_KITS.map((k) => k.name);

/** The kit definition for `name`; throws `SynthError` (KIT_UNKNOWN) naming the valid kits. */
export function getKit(name: string, where = 'getKit'): KitDefinition {
  const kit = BUILTIN_KITS.find((k) => k.name === name);
  if (kit === undefined) {
    throw new SynthError(
      'KIT_UNKNOWN',
      `kit name must be one of ${KIT_NAMES.join(', ')}; got "${name}" (in ${where})`,
    );
  }
  return kit;
}

/** Fundamental of the ideal membrane: f01 = j01 / (2π a) · sqrt(T / σ), Hz. */
export function headFundamentalHz(head: HeadParams): number {
  const radiusM = (head.diameterIn * 0.0254) / 2;
  return (2.404825557695773 / (2 * Math.PI * radiusM)) * Math.sqrt(head.tensionNPerM / head.arealDensityKgPerM2);
}

/** Which velocity layer (0-based) a MIDI velocity 1..127 falls in; velocity 0 counts as 1. */
export function layerForVelocity(velocity: number): number {
  const v = clampVelocity(velocity);
  const i = KIT_VELOCITY_LAYERS.findIndex((l) => v <= l.maxVelocity);
  return i < 0 ? KIT_VELOCITY_LAYERS.length - 1 : i;
}

/**
 * The sample a note plays in a built-in kit: velocity layer and round-robin variant.
 * Variants interleave by velocity: `variant = (velocity + rotation(key)) mod 4`, with rotation
 * 0 for key 38, 2 for key 40 and 1 for key 37. Humanised velocities therefore rotate through the
 * variants with no help from the renderer, and any GM player reproduces it exactly.
 */
export function kitZoneFor(key: number, velocity: number): { layer: number; variant: number } {
  const v = clampVelocity(velocity);
  const rotation = KEY_ROTATION[key] ?? 0;
  return { layer: layerForVelocity(v), variant: (v + rotation) % KIT_ROUND_ROBIN_VARIANTS };
}

/**
 * The velocity closest to `velocity`, inside the same layer, that plays round-robin `variant`
 * on `key`; ties go to the louder one. Lets a renderer choose a variant explicitly for a level
 * change of at most 3 velocity steps (0.5 dB at velocity 100 under the GM law).
 */
export function velocityForVariant(velocity: number, variant: number, key: number = KIT_KEYS.acousticSnare): number {
  if (!(Number.isInteger(variant) && variant >= 0 && variant < KIT_ROUND_ROBIN_VARIANTS)) {
    throw new SynthError(
      'KIT_VARIANT_RANGE',
      `round-robin variant must be an integer 0..${KIT_ROUND_ROBIN_VARIANTS - 1}, got ${variant} (in velocityForVariant)`,
    );
  }
  const v = clampVelocity(velocity);
  const layer = KIT_VELOCITY_LAYERS[layerForVelocity(v)]!;
  let best = v;
  let bestDistance = Infinity;
  for (let c = layer.minVelocity; c <= layer.maxVelocity; c++) {
    if (kitZoneFor(key, c).variant !== variant) continue;
    const distance = Math.abs(c - v);
    if (distance < bestDistance || (distance === bestDistance && c > best)) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}

function clampVelocity(velocity: number): number {
  return Math.min(127, Math.max(1, Math.round(velocity)));
}
