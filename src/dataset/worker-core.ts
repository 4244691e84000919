/**
 * The worker's core (the library ships it; the app or the platform layer owns the Worker):
 * a chunk computer with the same API in-thread and behind comlink. Soundfont bytes arrive once in
 * `init`; each worker loads them into its own FluidSynth once and reuses them for every chunk.
 */
import { SampleEngine, computeChunk, type ChunkResult } from './engine.js';
import { profilesAndSplits } from './generate.js';
import type { DatasetConfig } from './plan.js';
import type { PlayerProfile } from '../profiles/types.js';
import type { Splits } from './splits.js';
import { userSoundfont, builtinSoundfont, BUILTIN_SOUNDFONT_NAMES, type SoundfontSource } from '../synth/soundfonts.js';
import { loadAugmenter, type ImpulseResponse } from './augmenter.js';

export interface WorkerSoundfont {
  /** Name in the configuration. */
  name: string;
  /** `builtin`, or the file name the bytes came from. */
  origin: string;
  /** File bytes (user soundfonts only; built-in kits are synthesised in the worker). */
  bytes: Uint8Array | null;
}

export interface WorkerCore {
  init(config: DatasetConfig, soundfonts: readonly WorkerSoundfont[], impulseResponses?: readonly ImpulseResponse[]): Promise<void>;
  compute(chunk: number): Promise<ChunkResult>;
}

export function createWorkerCore(): WorkerCore {
  let state: { engine: SampleEngine; profiles: PlayerProfile[]; splits: Splits } | null = null;
  return {
    async init(config, soundfonts, impulseResponses = []) {
      const sources: SoundfontSource[] = [];
      for (const s of soundfonts) {
        if (s.bytes === null) {
          if (!BUILTIN_SOUNDFONT_NAMES.includes(s.name)) throw new Error(`worker: unknown built-in kit ${s.name}`);
          sources.push(await builtinSoundfont(s.name));
        } else {
          // built-in kits arrive as bytes too: parsing them is far cheaper than synthesising again
          sources.push({ ...(await userSoundfont(s.origin === 'builtin' ? `${s.name}.sf2` : s.origin, s.bytes)), name: s.name, origin: s.origin });
        }
      }
      const augment = config.audio && config.audio.augmentations > 0 ? await loadAugmenter(impulseResponses) : undefined;
      const engine = new SampleEngine(config, { soundfonts: sources, augment });
      state = { engine, ...profilesAndSplits(config) };
    },
    async compute(chunk) {
      if (!state) throw new Error('worker: compute() before init()');
      return computeChunk(state.engine, state.profiles, state.splits, chunk);
    },
  };
}
