/**
 * Kit samples -> SF2 bytes, through spessasynth_core's SF2 writer (environment-neutral, no I/O).
 * Everything that could vary between runs is fixed: creation date, software string, preset order,
 * and the float -> 16-bit step (we hand spessasynth values that are exact multiples of 1/32768,
 * so its own conversion is lossless and it stores exactly our PCM).
 */
import {
  BasicInstrument,
  BasicPreset,
  BasicSoundBank,
  EmptySample,
  Generator,
  GeneratorTypes,
  Modulator,
  ModulatorSource,
} from 'spessasynth_core';
import type { BasicSample } from 'spessasynth_core';
import { detLn } from '../../random/index.js';
import { KIT_ROUND_ROBIN_VARIANTS, KIT_VELOCITY_ATTENUATION_CB, kitZoneFor, zoneAttenuation } from './definitions.js';
import type { KitSamples } from './samples.js';

/** INFO/ICRD of every kit file: fixed so that the bytes depend on the seed only. */
export const KIT_SF2_CREATION_DATE = '2026-01-01T00:00:00Z';
/** INFO/ISFT of every kit file. */
export const KIT_SF2_SOFTWARE = 'sousa-wasm kit synth 1';

// SF2 modulator source enums (SF2.04 §8.2): index | CC flag<<7 | direction<<8 | polarity<<9 | curve<<10.
const SRC_VELOCITY_CONCAVE_NEGATIVE = 0x0502; // the default velocity-to-attenuation source
const SRC_VELOCITY_LINEAR_NEGATIVE = 0x0102;
const SRC_VELOCITY_SWITCH_POSITIVE = 0x0c02; // FluidSynth's amount source for velocity-to-filter
const SRC_NONE = 0x0000;

/** Preset bank numbers written: 128 (GM percussion) and 0, both program 0. */
export const KIT_PRESET_BANKS = [128, 0] as const;

/** Build the SF2 file of one kit from its samples. */
export function writeKitSf2(kitSamples: KitSamples): Uint8Array {
  const { kit, samples, sampleRateHz, seed } = kitSamples;
  const bank = new BasicSoundBank();
  bank.soundBankInfo = {
    name: `sousa-wasm ${kit.name} snare`,
    version: { major: 2, minor: 4 },
    creationDate: new Date(KIT_SF2_CREATION_DATE),
    soundEngine: 'E-mu 10K2',
    engineer: 'sousa-wasm',
    product: 'sousa-wasm built-in kits',
    copyright: 'MIT License, sousa-wasm contributors',
    comment: `${kit.description}. Synthesised by sousa-wasm from seed ${seed}. ${KIT_ROUND_ROBIN_VARIANTS} round-robin variants per velocity layer, interleaved by velocity (see README).`,
    software: KIT_SF2_SOFTWARE,
  };

  const stored: BasicSample[] = samples.map((s) => {
    const sample = new EmptySample();
    sample.name = s.name;
    const f = new Float32Array(s.pcm.length);
    for (let i = 0; i < f.length; i++) f[i] = s.pcm[i]! / 32768;
    sample.setAudioData(f, sampleRateHz);
    return sample;
  });
  bank.addSamples(...stored);

  const inst = new BasicInstrument();
  inst.name = `${kit.name} snare`;
  // Every key plays at the recorded pitch; the release outlasts any sample, so a note-off never
  // cuts a ring short (drum notes in MIDI files are often a few ms long).
  const releaseTimecents = Math.round((1200 * detLn((kit.maxLengthMs + 100) / 1000)) / Math.LN2);
  inst.globalZone.addGenerators(
    new Generator(GeneratorTypes.scaleTuning, 0),
    new Generator(GeneratorTypes.releaseVolEnv, releaseTimecents),
  );
  inst.globalZone.addModulators(
    // Overrides the default 960 cB (identical sources and destination, SF2.04 §9.5.1); the rest of
    // the velocity law is in the stored levels and the zones' attenuation (definitions.ts).
    new Modulator(
      ModulatorSource.fromSourceEnum(SRC_VELOCITY_CONCAVE_NEGATIVE),
      ModulatorSource.fromSourceEnum(SRC_NONE),
      GeneratorTypes.initialAttenuation,
      KIT_VELOCITY_ATTENUATION_CB,
      0,
    ),
    // FluidSynth's source defines a default velocity-to-filter modulator whose switch source makes
    // it act only for velocity >= 64: a jump in brightness between 63 and 64. Native 2.3.1 showed
    // no such filtering on our kits, but the wasm build is 2.4.6; the layers already darken soft
    // strokes, so it is switched off everywhere (amount 0 on an identical modulator overrides it).
    new Modulator(
      ModulatorSource.fromSourceEnum(SRC_VELOCITY_LINEAR_NEGATIVE),
      ModulatorSource.fromSourceEnum(SRC_VELOCITY_SWITCH_POSITIVE),
      GeneratorTypes.initialFilterFc,
      0,
      0,
    ),
  );
  const byLayerVariant = new Map(samples.map((s, i) => [`${s.layer}/${s.variant}`, stored[i]!]));
  const keys = [...kit.keys].sort((a, b) => a - b);
  for (const key of keys) {
    for (let v = 1; v <= 127; v++) {
      const { layer, variant } = kitZoneFor(key, v);
      const sample = byLayerVariant.get(`${layer}/${variant}`)!;
      const zone = inst.createZone(sample);
      zone.keyRange = { min: key, max: key };
      // Velocity 0 is a note-off; the first zone still starts at 0 so the key's range is complete.
      zone.velRange = { min: v === 1 ? 0 : v, max: v };
      const attenuation = zoneAttenuation(v);
      if (attenuation > 0) zone.setGenerator(GeneratorTypes.initialAttenuation, attenuation);
    }
  }
  bank.addInstruments(inst);

  for (const presetBank of KIT_PRESET_BANKS) {
    const preset = new BasicPreset(bank);
    preset.name = `${kit.name} snare`;
    preset.program = 0;
    preset.bankMSB = 0;
    preset.bankLSB = 0;
    preset.isGMGSDrum = presetBank === 128;
    preset.createZone(inst);
    bank.addPresets(preset);
  }
  bank.flush();
  const buffer = bank.writeSF2({
    software: KIT_SF2_SOFTWARE,
    writeDefaultModulators: false,
    writeExtendedLimits: false,
  });
  return new Uint8Array(buffer);
}
