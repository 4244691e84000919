/**
 * The render + encode case that must give the same FLAC bytes in Node, Deno and a browser worker:
 * 5 s of paradiddles (RLRR LRLL) in 16th notes at 120 BPM, accents on each group's first stroke,
 * onsets snapped to FluidSynth's 64-frame grid. Pure (no I/O), so every runtime imports it as is.
 */
import { encodeFlac } from '../../src/audio/flac.js';
import { createRenderer } from '../../src/synth/renderer.js';
import type { RenderNote } from '../../src/synth/renderer.js';

export const IDENTITY_SAMPLE_RATE_HZ = 44_100;

/** 40 strokes over 5 s. */
export const IDENTITY_NOTES: readonly RenderNote[] = Array.from({ length: 40 }, (_, i) => {
  const seconds = i * 0.125;
  const frame = Math.round((seconds * IDENTITY_SAMPLE_RATE_HZ) / 64) * 64;
  const accent = i % 4 === 0;
  // Taps vary a little so that velocity layers and the velocity curve are exercised.
  return { frame, key: 38, velocity: accent ? 118 : 58 + ((i * 7) % 15) };
});

/** Renders IDENTITY_NOTES with the given SF2 (mono, 24-bit FLAC) and returns the file's bytes. */
export async function renderIdentityFlac(sf2: Uint8Array, name: string, channels: 1 | 2 = 1): Promise<{ flac: Uint8Array; frames: number }> {
  const renderer = await createRenderer([{ name, bytes: sf2 }]);
  try {
    const audio = renderer.render(IDENTITY_NOTES, { soundfont: name, channels, sampleId: `identity-${name}` });
    return { flac: await encodeFlac(audio.channels), frames: audio.frames };
  } finally {
    renderer.close();
  }
}

/** Lower-case hex of a digest. */
export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}
