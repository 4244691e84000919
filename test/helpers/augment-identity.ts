/**
 * The augmentation case that must give the same bytes in Node, Deno and Chromium: a 2 s drum-like
 * signal (decaying noise bursts every 0.25 s, from the seeded generator, no soundfont needed)
 * augmented with every preset, hashed with SHA-256 (Web Crypto, present in all three runtimes).
 * Pure: every runtime imports it as is.
 *
 * AUGMENT_IDENTITY_SHA256 pins the result: a change to any kernel, preset or draw order changes
 * it, and must be a deliberate one (update the constant in the same change).
 */
import { AUGMENTATION_PRESETS, augmentAudio } from '../../src/augment/index.js';
import { rngFor } from '../../src/random/index.js';

export const AUGMENT_IDENTITY_SAMPLE_RATE_HZ = 44_100;
export const AUGMENT_IDENTITY_SEED = 20_240_601;

/** SHA-256 of the concatenated output bytes of all 11 presets, in AUGMENTATION_PRESETS order. */
export const AUGMENT_IDENTITY_SHA256 = 'e9c618804ecfcafa20cfc669a4bf07498c29e0075e287cb6809a17c7ece8e56c';

/** 2 s, eight strokes: each a burst of noise decaying with a 40 ms time constant, accents on 1 and 5. */
export function augmentIdentitySignal(): Float32Array {
  const fs = AUGMENT_IDENTITY_SAMPLE_RATE_HZ;
  const out = new Float32Array(2 * fs);
  const rng = rngFor(AUGMENT_IDENTITY_SEED, 'identity/signal');
  for (let stroke = 0; stroke < 8; stroke++) {
    const start = Math.round(stroke * 0.25 * fs);
    const level = stroke % 4 === 0 ? 0.6 : 0.25;
    let env = level;
    const decay = 1 - 1 / (0.04 * fs);
    for (let i = start; i < out.length; i++) {
      out[i] = out[i]! + env * rng.uniform(-1, 1);
      env *= decay;
      if (env < 1e-5) break;
    }
  }
  return out;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Augments the identity signal with every preset; returns the SHA-256 of all outputs and each one's. */
export async function augmentIdentityDigest(): Promise<{ sha256: string; perPreset: Record<string, string> }> {
  const signal = augmentIdentitySignal();
  const parts: Uint8Array[] = [];
  const perPreset: Record<string, string> = {};
  for (const presetName of AUGMENTATION_PRESETS) {
    const { audio } = await augmentAudio(signal, {
      presetName,
      seed: AUGMENT_IDENTITY_SEED,
      sampleId: `identity_${presetName}`,
      sampleRateHz: AUGMENT_IDENTITY_SAMPLE_RATE_HZ,
    });
    const bytes = new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength);
    parts.push(bytes);
    perPreset[presetName] = hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  }
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { sha256: hex(await crypto.subtle.digest('SHA-256', all)), perPreset };
}
