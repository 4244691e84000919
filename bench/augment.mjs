// Augmentation benchmark, two ratios measured in the same run:
//  1. the whole augmentation chain on one 5 s sample as `generate` runs it (copy into module memory,
//     augmentAt in place; augmentAudio adds a copy back out), per preset, against FluidSynth
//     (js-synthesizer) rendering that sample, with TimGM6mb and with a built-in kit; target <= 0.5x.
//     Render and augmentation calls are interleaved so that both see the same machine load.
//  2. our FFT convolution against scipy.signal.fftconvolve (Debian python3-scipy) on the same 5 s
//     signal and 1 s IR, float32, full output, both warm; target <= 1.5x.
// Medians of RUNS timed runs after warm-up (the first wasm calls run in V8's baseline tier).
//
//   npx tsx bench/augment.mjs          (uses src/ through tsx)
//   node bench/augment.mjs             (after `npm run build`, uses dist/)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const load = (p) => import(`../dist/${p}.js`).catch(() => import(`../src/${p}.js`));
const { augmentAt, AUGMENTATION_PRESETS, DEFAULT_AUGMENTATION_PRESETS } = await load('augment/index');
const { initKernels, convolve } = await load('augment/kernels');
const { createRenderer } = await load('synth/renderer');
const { synthesizeKitSf2, KIT_NAMES } = await load('synth/kits/index');
const { rngFor } = await load('random/index');

const SAMPLE_RATE_HZ = 44_100;
const RUNS = Number(process.env.RUNS ?? 15);
const WARMUP = 3;
const PYTHON = '/usr/bin/python3';
const KIT = 'concert';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// ---- 1. chain vs FluidSynth ----------------------------------------------------------------
const wasm = await initKernels();
const renderer = await createRenderer([
  { name: 'TimGM6mb', bytes: new Uint8Array(readFileSync('/usr/share/sounds/sf2/TimGM6mb.sf2')) },
  ...KIT_NAMES.map((name) => ({ name, bytes: synthesizeKitSf2(name) })),
]);
// 5 s of paradiddles in 16th notes at 120 BPM (40 strokes), accents on each group's first stroke.
const notes = Array.from({ length: 40 }, (_, i) => ({
  frame: Math.round((i * 0.125 * SAMPLE_RATE_HZ) / 64) * 64,
  key: 38,
  velocity: i % 4 === 0 ? 118 : 58 + ((i * 7) % 15),
}));
// Every built-in kit (what `generate` renders with by default) and Debian's TimGM6mb.
const fonts = ['TimGM6mb', ...KIT_NAMES];
const renderMs = Object.fromEntries(fonts.map((f) => [f, []]));
const augmentMs = Object.fromEntries(AUGMENTATION_PRESETS.map((p) => [p, []]));
const audio = renderer.render(notes, { soundfont: KIT }).channels[0];
for (let run = -WARMUP; run < RUNS; run++) {
  for (const soundfont of fonts) {
    const t0 = performance.now();
    renderer.render(notes, { soundfont });
    if (run >= 0) renderMs[soundfont].push(performance.now() - t0);
  }
  for (const presetName of AUGMENTATION_PRESETS) {
    const t0 = performance.now();
    // The chain as `generate` runs it: the rendered audio copied into module memory, augmented in
    // place (augmentAt), then handed to the FLAC encoder from there (not timed: that is encoding).
    // A new sample id per run: every run draws and builds its own room IR, as generation does.
    const ptr = wasm.alloc(audio.length * 4);
    wasm.f32(ptr, audio.length).set(audio);
    augmentAt(wasm, ptr, audio.length, { presetName, seed: 1, sampleId: `bench_${run}` });
    wasm.free(ptr);
    if (run >= 0) augmentMs[presetName].push(performance.now() - t0);
  }
}
renderer.close();

const seconds = audio.length / SAMPLE_RATE_HZ;
console.log(`augmentation of one ${seconds.toFixed(2)} s sample vs FluidSynth rendering it (median of ${RUNS}, interleaved)`);
for (const f of fonts) console.log(`  render ${f.padEnd(10)} ${median(renderMs[f]).toFixed(2)} ms`);
const kitMs = median(renderMs[KIT]);
const timMs = median(renderMs.TimGM6mb);
console.log(`  ${'preset'.padEnd(20)} ${'ms'.padStart(7)}  ${'/ kit'.padStart(7)}  ${'/ TimGM6mb'.padStart(10)}`);
for (const p of AUGMENTATION_PRESETS) {
  const ms = median(augmentMs[p]);
  const star = DEFAULT_AUGMENTATION_PRESETS.includes(p) ? '*' : ' ';
  console.log(`  ${(p + star).padEnd(20)} ${ms.toFixed(2).padStart(7)}  ${(ms / kitMs).toFixed(2).padStart(6)}x  ${(ms / timMs).toFixed(2).padStart(9)}x`);
}
const mean = (ps) => ps.reduce((s, p) => s + median(augmentMs[p]), 0) / ps.length;
const defaultMs = mean(DEFAULT_AUGMENTATION_PRESETS);
const allMs = mean(AUGMENTATION_PRESETS);
const worst = Math.max(...AUGMENTATION_PRESETS.map((p) => median(augmentMs[p])));
console.log(
  `ratio chain/render (kit ${KIT}): default presets (*) ${(defaultMs / kitMs).toFixed(2)}x, all ${(allMs / kitMs).toFixed(2)}x, ` +
    `slowest ${(worst / kitMs).toFixed(2)}x  (target <= 0.5x)`,
);
console.log(
  `ratio chain/render (TimGM6mb):  default presets (*) ${(defaultMs / timMs).toFixed(2)}x, all ${(allMs / timMs).toFixed(2)}x, ` +
    `slowest ${(worst / timMs).toFixed(2)}x`,
);
// `generate` spreads performances over the built-in kits: the mean render over the six is the
// render a generated sample costs on average.
const kitsMs = KIT_NAMES.reduce((sum, k) => sum + median(renderMs[k]), 0) / KIT_NAMES.length;
console.log(
  `ratio chain/render (mean of the ${KIT_NAMES.length} built-in kits, ${kitsMs.toFixed(2)} ms): default presets (*) ${(defaultMs / kitsMs).toFixed(2)}x, ` +
    `all ${(allMs / kitsMs).toFixed(2)}x, slowest ${(worst / kitsMs).toFixed(2)}x`,
);

// ---- 2. convolution vs scipy ---------------------------------------------------------------
const rng = rngFor(1n, 'bench/convolve');
const signal = new Float32Array(SAMPLE_RATE_HZ * 5);
for (let i = 0; i < signal.length; i++) signal[i] = rng.uniform(-1, 1);
const ir = new Float32Array(SAMPLE_RATE_HZ);
for (let i = 0; i < ir.length; i++) ir[i] = rng.standardNormal() * Math.exp(-i / (0.2 * SAMPLE_RATE_HZ));
for (let i = 0; i < WARMUP; i++) convolve(signal, ir, { method: 'fft' });
const ours = [];
let out;
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  out = convolve(signal, ir, { method: 'fft' });
  ours.push(performance.now() - t0);
}
const dir = mkdtempSync(join(tmpdir(), 'sousa-bench-'));
let scipy;
try {
  writeFileSync(join(dir, 'x.f32'), signal);
  writeFileSync(join(dir, 'h.f32'), ir);
  const script = `
import json, sys, time
import numpy as np
from scipy.signal import fftconvolve
d = sys.argv[1]
x = np.fromfile(d + '/x.f32', dtype=np.float32)
h = np.fromfile(d + '/h.f32', dtype=np.float32)
for _ in range(${WARMUP}):
    y = fftconvolve(x, h)
ts = []
for _ in range(${RUNS}):
    t = time.perf_counter()
    y = fftconvolve(x, h)
    ts.append((time.perf_counter() - t) * 1000)
y.astype(np.float32).tofile(d + '/y.f32')
print(json.dumps({'ms': ts, 'dtype': str(y.dtype)}))
`;
  const res = JSON.parse(execFileSync(PYTHON, ['-c', script, dir], { encoding: 'utf8' }));
  const ref = new Float32Array(readFileSync(join(dir, 'y.f32')).buffer.slice(0));
  let maxErr = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(out[i] - ref[i]));
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
  }
  scipy = { ms: res.ms, dtype: res.dtype, length: ref.length, relErr: maxErr / maxRef };
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (out.length !== scipy.length) throw new Error(`output lengths differ: ${out.length} vs scipy ${scipy.length}`);
if (!(scipy.relErr < 1e-5)) throw new Error(`our convolution differs from scipy's: relative error ${scipy.relErr}`);
const oursMs = median(ours);
const scipyMs = median(scipy.ms);
console.log(`convolution ${signal.length} x ${ir.length} (float32, full output ${out.length}), median of ${RUNS}`);
console.log(`  sousa-wasm ${oursMs.toFixed(2)} ms, scipy fftconvolve ${scipyMs.toFixed(2)} ms (${scipy.dtype}); max rel. error ${scipy.relErr.toExponential(1)}`);
console.log(`ratio convolution ours/scipy: ${(oursMs / scipyMs).toFixed(2)}x  (target <= 1.5x)`);
