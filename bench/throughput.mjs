/**
 * Throughput and memory of generation with audio (and augmentation when available), on 1 worker
 * and on N workers (default 2), in the same run: samples/s per core, total, the speed-up ratio
 * (target >= 1.8x on 2 cores), and what the `full` preset (100,000 samples) would take on 16
 * cores. Memory of each worker: its own JS heap + ArrayBuffers + wasm memories, read in the worker.
 * The default run is long enough (~30 s per side) that per-thread start-up (JIT warm-up,
 * wasm tier-up) does not dominate; `--profiles 6` is a quick check. Memory: RSS of the whole
 * process (main thread + worker threads) sampled every 250 ms.
 *
 *   npm run bench:throughput                       # 18 profiles x 40 rudiments, 2 recordings each (1,440 samples)
 *   npm run bench:throughput -- --preset medium    # the medium run (long)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig, generateDataset, countSamples } from '../dist/index.js';
import { NodeDatasetIO } from '../dist/node.js';
import { createNodePool } from '../dist/platform/node-pool.js';
import { collectSoundfonts, BUILTIN_SOUNDFONT_NAMES } from '../dist/synth/soundfonts.js';
import { loadAugmenter } from '../dist/dataset/augmenter.js';

const { values } = parseArgs({ options: { preset: { type: 'string' }, workers: { type: 'string' }, augmentations: { type: 'string' }, profiles: { type: 'string' } } });
const workers = Number(values.workers ?? 2);
let augment = null;
let presets = [];
try {
  const mod = await import('../dist/augment/index.js');
  presets = [...mod.DEFAULT_AUGMENTATION_PRESETS];
  augment = await loadAugmenter();
} catch {
  console.log('(augmentation stage not available: dry renders only)');
}
const augmentations = Number(values.augmentations ?? (augment ? 2 : 0));
const sources = await collectSoundfonts(BUILTIN_SOUNDFONT_NAMES, []);
const audio = { soundfonts: sources.map((s) => ({ name: s.name, sha256: s.sha256 })), augmentations, augmentPresets: presets };
const config = values.preset
  ? resolveConfig({ preset: values.preset, audio: { ...audio, augmentations: undefined } })
  : resolveConfig({ profiles: Number(values.profiles ?? 18), tempos: 1, audio });
const base = mkdtempSync(join(tmpdir(), 'sousa-throughput-'));

async function measure(n) {
  const rss = [];
  const timer = setInterval(() => rss.push(process.memoryUsage.rss()), 250);
  const runner = n > 1 ? await createNodePool(config, n, sources.map((s) => ({ name: s.name, origin: s.origin, bytes: s.bytes }))) : undefined;
  const t0 = performance.now();
  // Each worker's own memory (JS heap + ArrayBuffers + wasm memories), asked for every 250 ms; a
  // worker answers between chunks.
  const workerMem = [];
  let polling = true;
  const poll = (async () => {
    while (runner && polling) {
      const m = await runner.memory();
      workerMem.push({ t: performance.now() - t0, m });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const s = await generateDataset(config, new NodeDatasetIO(join(base, `w${n}`)), {
    runner,
    engine: { soundfonts: sources, augment: augment ?? undefined },
  });
  const sec = (performance.now() - t0) / 1000;
  polling = false;
  await poll;
  await runner?.close();
  clearInterval(timer);
  const workers = runner
    ? Array.from({ length: n }, (_, w) => {
        const own = (xs) => Math.max(...xs.map((x) => x.m[w].heapUsed + x.m[w].external)) / 2 ** 20;
        const firstHalf = workerMem.filter((x) => x.t < (sec * 1000) / 2);
        const secondHalf = workerMem.filter((x) => x.t >= (sec * 1000) / 2);
        return { peakMiB: own(workerMem), firstHalfMiB: own(firstHalf), secondHalfMiB: own(secondHalf), samples: workerMem.length };
      })
    : [];
  const half = Math.floor(rss.length / 2);
  const max = (a) => Math.max(...a) / 2 ** 20;
  return { n, samples: s.totalSamples, sec, rate: s.totalSamples / sec, peakMiB: max(rss), firstHalfMiB: max(rss.slice(0, half || 1)), secondHalfMiB: max(rss.slice(half)), workers };
}

const one = await measure(1);
const many = await measure(workers);
rmSync(base, { recursive: true, force: true });
const perCore = one.rate;
const fullSamples = 100_000;
console.log(`generation with audio: ${config.profiles} profiles x ${config.rudiments.length} rudiments x ${config.temposPerRudiment} tempos x ${Math.max(1, augmentations)} recordings = ${countSamples(config)} samples (node ${process.version}, ${BUILTIN_SOUNDFONT_NAMES.length} built-in kits${augment ? ', augmented' : ', dry'})`);
for (const r of [one, many]) {
  console.log(`  ${r.n} worker${r.n > 1 ? 's' : ''}: ${r.sec.toFixed(1)} s, ${r.rate.toFixed(1)} samples/s (${(r.rate / r.n).toFixed(1)} per core); RSS peak ${r.peakMiB.toFixed(0)} MiB (first half ${r.firstHalfMiB.toFixed(0)}, second half ${r.secondHalfMiB.toFixed(0)})`);
  r.workers.forEach((w, i) => {
    console.log(`    worker ${i}: own memory (JS heap + ArrayBuffers + wasm) peak ${w.peakMiB.toFixed(0)} MiB (first half ${w.firstHalfMiB.toFixed(0)}, second half ${w.secondHalfMiB.toFixed(0)}; ${w.samples} readings)`);
  });
}
console.log(`  speed-up ${workers} workers / 1 worker: ${(many.rate / one.rate).toFixed(2)}x (target >= 1.8x on 2 cores)`);
console.log(`  full preset (${fullSamples.toLocaleString('en')} samples) on 16 cores at ${perCore.toFixed(1)} samples/s per core: ~${(fullSamples / (perCore * 16) / 3600).toFixed(2)} h`);
