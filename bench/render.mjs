/**
 * Render + encode benchmark (issue 3): FluidSynth in WebAssembly (js-synthesizer) + libflacjs
 * against Debian's native `fluidsynth -F` + `flac`, on the same MIDI performance and the same SF2,
 * measured in the same run. Cases: TimGM6mb and the built-in concert kit, a ~5 s and a ~60 s
 * performance (single paradiddle at 120 BPM, 10 and 120 cycles).
 *
 *   npm run build && node bench/render.mjs [--runs N] [--json]
 *
 * Each side runs in its own processes, so peak memory (maxRSS) belongs to that side alone.
 * - WASM: a child Node process imports dist/, loads the SF2 once (createRenderer), renders and
 *   encodes once cold, three more times untimed (warm-up: V8 tiers the wasm up in the background),
 *   then N more times, one render and one encode call per take as the dataset engine does (one
 *   renderer per worker, many samples); three such processes per case, best of all their takes
 *   (the native side is also best of one process per run). maxRSS from process.resourceUsage().
 * - native: `fluidsynth -ni -q -F out.wav -O s24 -T wav -r 44100 -R 0 -C 0 -g 0.5 font.sf2 take.mid`
 *   then `flac -5` (the level encodeFlac uses), each under /usr/bin/time for maxRSS. A short take
 *   is given to fluidsynth as many times as make ~60 s (it plays them back to back), and a one-note
 *   invocation is subtracted, so process start and SF2 load (which the engine pays once per
 *   worker) do not count.
 * Both sides write stereo 24-bit FLAC (native fluidsynth cannot write mono; the dataset's default,
 * mono, costs the WASM side one channel less to encode). Times are the best of N runs on both
 * sides: on a shared machine the minimum is the estimate least disturbed by other processes.
 * Speeds are compared per second of audio (the two sides stop at slightly different frames):
 * ratio = native ms per audio second / WASM ms per audio second (>= 1: WASM faster; issue 3 asks
 * >= 0.7 for render + encode). Realtime factor = seconds of audio per second of render + encode.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = new URL('../dist/index.js', import.meta.url);
const SR = 44_100;
const WARMUP_TAKES = 3;
/** WASM child processes per case (best of them, as the native side is best of its processes). */
const PROCESSES = 3;

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await parent();

/** WASM side, in its own process: argv = sf2Path notesJsonPath outFlac runs. */
async function child([sf2Path, notesPath, outFlac, runsArg]) {
  const t0 = performance.now();
  const { createRenderer, encodeFlac } = await import(DIST.href);
  const spec = JSON.parse(readFileSync(notesPath, 'utf8'));
  const renderer = await createRenderer([{ name: 'font', bytes: new Uint8Array(readFileSync(sf2Path)) }]);
  const loadMs = performance.now() - t0;
  const rssLoadedMiB = process.memoryUsage().rss / 2 ** 20;
  const once = async () => {
    const a = performance.now();
    const out = renderer.render(spec.notes, { soundfont: 'font', bank: spec.bank, program: spec.program, channels: 2 });
    const b = performance.now();
    const flac = await encodeFlac(out.channels, { sampleRateHz: SR, bitsPerSample: 24 });
    const c = performance.now();
    return { renderMs: b - a, encodeMs: c - b, frames: out.frames, flac };
  };
  const cold = await once();
  const coldMs = performance.now() - t0;
  writeFileSync(outFlac, cold.flac);
  // Warm-up takes (untimed): V8 compiles hot wasm functions with its optimising tier in the
  // background, which takes a few takes; the dataset engine renders thousands of takes per worker.
  for (let i = 0; i < WARMUP_TAKES; i++) await once();
  const steady = [];
  for (let i = 0; i < Number(runsArg); i++) steady.push(await once());
  renderer.close();
  const best = (k) => Math.min(...steady.map((s) => s[k]));
  console.log(
    JSON.stringify({
      loadMs,
      coldMs,
      renderMs: best('renderMs'),
      encodeMs: best('encodeMs'),
      frames: cold.frames,
      rssLoadedMiB,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

async function parent() {
  if (!existsSync(fileURLToPath(DIST))) throw new Error('dist/ is missing: run `npm run build` first');
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
  for (const tool of ['fluidsynth', 'flac', '/usr/bin/time']) {
    if (spawnSync(tool, ['--version']).error) throw new Error(`${tool} is not installed (Debian: fluidsynth, flac, time)`);
  }
  const lib = await import(DIST.href);
  const dir = mkdtempSync(join(tmpdir(), 'sousa-bench-render-'));
  try {
    const fonts = [
      { label: 'TimGM6mb', path: '/usr/share/sounds/sf2/TimGM6mb.sf2' },
      { label: 'concert (built-in)', path: join(dir, 'concert.sf2') },
    ];
    writeFileSync(fonts[1].path, (await lib.builtinSoundfont('concert')).bytes);
    const profile = lib.generateProfiles(42, 4).find((p) => p.tier === 'professional');
    const rudiment = lib.loadRudiments().find((r) => r.slug === 'single_paradiddle');
    const takes = [
      { label: '~5 s', cycles: 10 },
      { label: '~60 s', cycles: 120 },
    ].map((t) => {
      const perf = lib.generatePerformance({ rudiment, profile, tempoBpm: 120, seed: 42, key: `bench/${t.cycles}`, numCycles: t.cycles });
      const midi = join(dir, `take-${t.cycles}.mid`);
      writeFileSync(midi, lib.performanceToMidi(perf));
      return { ...t, perf, midi };
    });
    // One note: what a native invocation costs before rendering anything (process, SF2 load, file).
    const one = lib.generatePerformance({ rudiment, profile, tempoBpm: 120, seed: 42, key: 'bench/1', numCycles: 1 });
    one.strokes = one.strokes.slice(0, 1);
    const oneMidi = join(dir, 'one.mid');
    writeFileSync(oneMidi, lib.performanceToMidi(one));

    console.log(`render + encode, WASM (dist/) vs native Debian fluidsynth + flac; best of ${runs} runs per case\n`);
    const cols = [
      ['font', 19], ['take', 6], ['audio s', 8], ['WASM synth', 11], ['native', 7], ['ratio', 6], ['WASM flac', 10], ['native', 7],
      ['ratio', 6], ['total ratio', 12], ['RTF wasm', 9], ['RTF native', 11], ['RSS wasm', 9], ['(loaded)', 9], ['RSS native', 11],
    ];
    console.log(cols.map(([t, w], i) => (i < 2 ? t.padEnd(w) : t.padStart(w))).join(' '));
    const results = [];
    for (const font of fonts) {
      const summary = lib.parseSf2Summary(new Uint8Array(readFileSync(font.path)), font.path);
      const { bank, program, key } = summary.snare;
      const startup = native(font.path, [oneMidi], join(dir, 'one'), runs);
      for (const take of takes) {
        const notesPath = join(dir, 'notes.json');
        writeFileSync(notesPath, JSON.stringify({ bank, program, notes: lib.renderNotes(take.perf, key) }));
        const wasmFlac = join(dir, 'wasm.flac');
        // Several WASM processes, as the native side runs one process per run: on this shared
        // machine a whole process is sometimes ~40 % slower (synthesis and encoding alike).
        const children = Array.from({ length: PROCESSES }, () =>
          JSON.parse(
            execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', font.path, notesPath, wasmFlac, String(runs)], { encoding: 'utf8' }).trim(),
          ),
        );
        const w = {
          ...children[0],
          renderMs: Math.min(...children.map((c) => c.renderMs)),
          encodeMs: Math.min(...children.map((c) => c.encodeMs)),
          coldMs: Math.min(...children.map((c) => c.coldMs)),
          maxRssMiB: Math.max(...children.map((c) => c.maxRssMiB)),
          rssLoadedMiB: Math.max(...children.map((c) => c.rssLoadedMiB)),
        };
        const t = spawnSync('flac', ['-t', '-s', wasmFlac]);
        if (t.status !== 0) throw new Error(`flac -t rejected the WASM output: ${t.stderr}`);
        // The native side renders the take `copies` times in one invocation (fluidsynth plays the
        // MIDI files one after the other), so at least ~60 s of audio amortise its start-up.
        const copies = Math.max(1, Math.round(60 / take.perf.durationSec));
        const n = native(font.path, Array(copies).fill(take.midi), join(dir, 'native'), runs);
        const wasmSec = w.frames / SR;
        const nativeSec = n.frames / SR;
        // Per second of audio: the two sides do not stop at the same frame (see the note below).
        const perSec = {
          wasmSynth: w.renderMs / wasmSec,
          wasmFlac: w.encodeMs / wasmSec,
          nativeSynth: (n.synthMs - startup.synthMs) / nativeSec,
          nativeFlac: (n.flacMs - startup.flacMs) / nativeSec,
        };
        const r = {
          font: font.label,
          take: take.label,
          wasmAudioSec: wasmSec,
          nativeAudioSec: nativeSec,
          msPerAudioSec: perSec,
          synthRatio: perSec.nativeSynth / perSec.wasmSynth,
          flacRatio: perSec.nativeFlac / perSec.wasmFlac,
          ratio: (perSec.nativeSynth + perSec.nativeFlac) / (perSec.wasmSynth + perSec.wasmFlac),
          rtfWasm: 1000 / (perSec.wasmSynth + perSec.wasmFlac),
          rtfNative: 1000 / (perSec.nativeSynth + perSec.nativeFlac),
          wasmColdMs: w.coldMs,
          rssWasmMiB: w.maxRssMiB,
          rssWasmLoadedMiB: w.rssLoadedMiB,
          rssNativeMiB: n.maxRssMiB,
        };
        results.push(r);
        const x = (v) => `${v.toFixed(2)}x`;
        const cells = [
          r.font, r.take, wasmSec.toFixed(2), `${perSec.wasmSynth.toFixed(2)}`, `${perSec.nativeSynth.toFixed(2)}`, x(r.synthRatio),
          `${perSec.wasmFlac.toFixed(2)}`, `${perSec.nativeFlac.toFixed(2)}`, x(r.flacRatio), x(r.ratio),
          `${r.rtfWasm.toFixed(0)}x`, `${r.rtfNative.toFixed(0)}x`, `${r.rssWasmMiB.toFixed(0)} MiB`, `${r.rssWasmLoadedMiB.toFixed(0)} MiB`, `${r.rssNativeMiB.toFixed(0)} MiB`,
        ];
        console.log(cells.map((c, i) => (i < 2 ? c.padEnd(cols[i][1]) : c.padStart(cols[i][1]))).join(' '));
      }
    }
    const long = results.filter((r) => r.take === '~60 s');
    const worst = Math.min(...long.map((r) => r.ratio));
    console.log(
      [
        '',
        'synth / flac columns: ms of wall time per second of audio. WASM: one render or encode call per take, as the dataset engine does',
        '(SF2 already loaded). Native: the take rendered back to back for ~60 s in one invocation, minus a one-note invocation',
        '(process start, SF2 load), then flac on that WAV minus flac on the one-note WAV.',
        'ratio = native / WASM time per audio second (>= 1: WASM faster). Issue 3 target: total ratio >= 0.7x.',
        `Worst total ratio on the 60 s take: ${x2(worst)} (${worst >= 0.7 ? 'meets' : 'MISSES'} the target).`,
        'RTF = seconds of audio per second of render + encode. RSS = peak resident memory of the process (WASM: a Node process',
        'that imported dist/; "(loaded)" = its resident size after import and SF2 load, before the first render).',
        `Audio per take: WASM ${results.map((r) => r.wasmAudioSec.toFixed(2)).join('/')} s, native ${results.map((r) => r.nativeAudioSec.toFixed(2)).join('/')} s ` +
          '(native: all copies; fluidsynth -F plays each MIDI file to its end, the WASM renderer stops 0.3 s after the last voice dies).',
        `WASM cold start to the first file: ${results.map((r) => r.wasmColdMs.toFixed(0)).join('/')} ms (module load, SF2 parse, first render + encode).`,
      ].join('\n'),
    );
    if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Native fluidsynth -F then flac, `runs` times: best wall ms of each, frames written, peak RSS. */
function native(sf2, midis, base, runs) {
  const synth = [];
  const flac = [];
  let rss = 0;
  let frames = 0;
  for (let i = 0; i < runs; i++) {
    const a = timed('fluidsynth', ['-ni', '-q', '-F', `${base}.wav`, '-O', 's24', '-T', 'wav', '-r', String(SR), '-R', '0', '-C', '0', '-g', '0.5', sf2, ...midis]);
    const b = timed('flac', ['-5', '-s', '-f', '-o', `${base}.flac`, `${base}.wav`]);
    synth.push(a.ms);
    flac.push(b.ms);
    rss = Math.max(rss, a.rssKiB, b.rssKiB);
    // s24 stereo: 6 bytes per frame after the 44-byte header.
    frames = Math.round((statSync(`${base}.wav`).size - 44) / 6);
  }
  return { synthMs: Math.min(...synth), flacMs: Math.min(...flac), maxRssMiB: rss / 1024, frames };
}

function timed(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  const rssKiB = Number(r.stderr.trim().split('\n').pop());
  return { ms, rssKiB };
}

function x2(v) {
  return `${v.toFixed(2)}x`;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
