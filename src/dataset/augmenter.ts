/**
 * Adapts the augmentation stage (src/augment) to the engine's {@link Augmenter} shape, with the
 * run's user impulse responses bound in.
 */
import { augmentAt } from '../augment/index.js';
import type { Augmenter } from './engine.js';

/** A decoded user impulse response (mono, 44.1 kHz). */
export interface ImpulseResponse {
  name: string;
  samples: Float32Array;
}

export async function loadAugmenter(impulseResponses: readonly ImpulseResponse[] = []): Promise<Augmenter> {
  return async (wasm, ptr, n, opts) => ({ ...augmentAt(wasm, ptr, n, { ...opts, impulseResponses }) });
}
