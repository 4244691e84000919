// Convolution benchmark: 5 s of noise x 1 s decaying-noise IR at 44.1 kHz, float32, our wasm FFT
// overlap-add against scipy.signal.fftconvolve (Debian python3-scipy) on the same data, in the same
// run. Prints medians, the ratio (target <= 1.5x scipy) and the max error against scipy's output.
//
//   npx tsx bench/convolve.mjs          (uses src/ through tsx)
//   node bench/convolve.mjs             (after `npm run build`, uses dist/)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const kernels = await import('../dist/augment/kernels.js').catch(() => import('../src/augment/kernels.js'));
const { initKernels, convolve, chooseFftSize } = kernels;
const { rngFor } = await import('../dist/random/index.js').catch(() => import('../src/random/index.js'));

const SAMPLE_RATE_HZ = 44_100;
const SIGNAL_S = 5;
const IR_S = 1;
const RUNS = 15;
const PYTHON = '/usr/bin/python3';

const rng = rngFor(1n, 'bench/convolve');
const signal = new Float32Array(SAMPLE_RATE_HZ * SIGNAL_S);
for (let i = 0; i < signal.length; i++) signal[i] = rng.uniform(-1, 1);
const ir = new Float32Array(SAMPLE_RATE_HZ * IR_S);
for (let i = 0; i < ir.length; i++) ir[i] = rng.standardNormal() * Math.exp(-i / (0.2 * SAMPLE_RATE_HZ));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

await initKernels();
// Warm-up: the first calls run in V8's baseline tier.
for (let i = 0; i < 3; i++) convolve(signal, ir, { method: 'fft' });
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
for _ in range(3):
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

// The timed work must be the whole 5 s x 1 s convolution, equal to scipy's.
if (out.length !== scipy.length) throw new Error(`output lengths differ: ours ${out.length}, scipy ${scipy.length}`);
if (!(scipy.relErr < 1e-5)) throw new Error(`our output differs from scipy's: max relative error ${scipy.relErr}`);
const oursMs = median(ours);
const scipyMs = median(scipy.ms);
console.log(`signal ${signal.length} x ir ${ir.length} (float32), fft size ${chooseFftSize(signal.length, ir.length)}, median of ${RUNS}`);
console.log(`sousa-wasm convolve   ${oursMs.toFixed(2)} ms  (min ${Math.min(...ours).toFixed(2)})`);
console.log(`scipy fftconvolve     ${scipyMs.toFixed(2)} ms  (min ${Math.min(...scipy.ms).toFixed(2)}, ${scipy.dtype})`);
console.log(`ratio ours/scipy      ${(oursMs / scipyMs).toFixed(2)}x  (target <= 1.5x)`);
console.log(`length ${out.length} vs ${scipy.length}; max |ours - scipy| / max |scipy| = ${scipy.relErr.toExponential(2)}`);
