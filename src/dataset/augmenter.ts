/**
 * Loads the augmentation stage (src/augment) on demand, so symbolic runs never pay for its wasm,
 * and adapts it to the engine's {@link Augmenter} shape.
 */
import type { Augmenter } from './engine.js';

// TODO(lead): static import once src/augment/index.ts lands.
const AUGMENT_MODULE: string = '../augment/index.js';

export async function loadAugmenter(): Promise<Augmenter> {
  const mod = (await import(AUGMENT_MODULE)) as unknown as {
    augmentAudio: (
      audio: Float32Array,
      opts: { presetName: string; seed: number; sampleId: string; sampleRateHz?: number },
    ) => Promise<{ audio: Float32Array; params: Readonly<Record<string, string | number | null>> }>;
  };
  return (audio, opts) => mod.augmentAudio(audio, opts);
}
