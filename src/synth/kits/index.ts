/**
 * Built-in snare kits: synthesised, deterministic SF2 soundfonts (DESIGN decision 5).
 * See README.md in this folder for the sound model, the layer and round-robin layout and tuning notes.
 */
import { getKit } from './definitions.js';
import { synthesizeKitSamples } from './samples.js';
import type { KitSynthOptions } from './samples.js';
import { writeKitSf2 } from './write-sf2.js';

export {
  BUILTIN_KITS,
  DEFAULT_KIT_SEED,
  KIT_KEYS,
  KIT_LAYER_LEVEL_EXPONENT,
  KIT_NAMES,
  KIT_ROUND_ROBIN_VARIANTS,
  KIT_VELOCITY_ATTENUATION_CB,
  KIT_VELOCITY_LAYERS,
  SF2_ATTENUATION_SCALE,
  getKit,
  headFundamentalHz,
  kitZoneFor,
  zoneAttenuation,
  layerForVelocity,
  velocityForVariant,
} from './definitions.js';
export type {
  BodyParams,
  HeadParams,
  KitDefinition,
  KitName,
  ResonantHeadParams,
  StickParams,
  WireParams,
} from './definitions.js';
export { DEFAULT_KIT_SYNTH_OPTIONS, synthesizeKitSamples } from './samples.js';
export type { KitSample, KitSamples, KitSynthOptions } from './samples.js';
export type { HitDraws } from './synthesize-hit.js';
export { KIT_PRESET_BANKS, KIT_SF2_CREATION_DATE, KIT_SF2_SOFTWARE, writeKitSf2 } from './write-sf2.js';

/**
 * The SF2 file of built-in kit `name` (one of KIT_NAMES): presets on bank 128 and bank 0,
 * program 0, velocity layers and round-robin variants on keys 38 and 40 (and 37 for `rimclick`).
 * Same name and options, same bytes. Throws `SynthError` for an unknown kit or a bad sample rate.
 */
export function synthesizeKitSf2(name: string, opts?: Partial<KitSynthOptions>): Uint8Array {
  getKit(name, 'synthesizeKitSf2');
  return writeKitSf2(synthesizeKitSamples(name, opts));
}
