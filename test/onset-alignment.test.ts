/**
 * Labels are the truth of the audio (issue 3, "Measured"): an independent onset detector, Debian's
 * `aubioonset` (aubio 0.4.9), runs on dry renders of all 40 rudiments and its onsets are matched to
 * the stroke labels.
 *
 * Renders: a beginner and a professional (4-profile run, seed 42), each rudiment at the middle of
 * its tempo range, one performance each, through the dataset engine (the code path of `generate`),
 * the six built-in kits in turn. Detector: complex-domain onset function (`-O complex`), 128-frame
 * window, 32-frame hop (0.7 ms), minimum inter-onset interval 5 ms. Of the functions aubio offers,
 * this one is both precise and quiet on our kits: it fires 8-25 ms after an isolated stroke (where
 * no stroke is) on 0.1 % of strokes, so a detection next to a grace note is that grace note, not
 * the ring of the stroke before. (hfc, energy and specflux at settings that find more graces fire
 * there on 11-61 % of strokes; on TimGM6mb's sampled snare every detector fires there on 87-99 %.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SampleEngine } from '../src/dataset/engine.js';
import { profilesAndSplits } from '../src/dataset/generate.js';
import { resolveConfig } from '../src/dataset/plan.js';
import type { StrokeLabel } from '../src/labels/strokes.js';
import { loadRudiments } from '../src/rudiments/index.js';
import { BUILTIN_SOUNDFONT_NAMES, builtinSoundfont } from '../src/synth/soundfonts.js';
import { matchOnsets, median, quantile, runAubioOnset, type AubioOnsetOptions } from './helpers/audio-analysis.js';

const AUBIO: AubioOnsetOptions = { method: 'complex', bufSize: 128, hopSize: 32, threshold: 0.3, minIoiSec: 0.005, silenceDb: -90 };
/** Matching window, ms: half the 15 ms that separates the closest graces this test counts. */
const WINDOW_MS = 7.5;
/** Graces at least this far before their primary must be heard as onsets of their own (issue 3). */
const GRACE_MIN_SPACING_MS = 15;

interface Render {
  sampleId: string;
  soundfont: string;
  strokes: StrokeLabel[];
  /** Signed error (detection − label, ms) per stroke, null when no detection matched. */
  errors: (number | null)[];
  detections: number[];
}

const renders: Render[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sousa-onsets-'));
  const fonts = await Promise.all(BUILTIN_SOUNDFONT_NAMES.map((n) => builtinSoundfont(n)));
  const config = resolveConfig({
    profiles: 4,
    audio: { soundfonts: fonts.map((f) => ({ name: f.name, sha256: f.sha256 })), augmentations: 0, augmentPresets: [], channels: 1 },
  });
  const { profiles, splits } = profilesAndSplits(config);
  const players = profiles.filter((p) => p.tier === 'beginner' || p.tier === 'professional');
  expect(players.map((p) => p.id)).toEqual(['beg000', 'pro003']);
  const engine = new SampleEngine(config, { soundfonts: fonts });
  let k = 0;
  for (const profile of players) {
    for (const rudiment of loadRudiments()) {
      const tempoBpm = Math.round((rudiment.tempoRangeBpm[0] + rudiment.tempoRangeBpm[1]) / 2);
      const soundfont = fonts[k++ % fonts.length]!.name;
      const key = `${profile.id}_${rudiment.slug}_${tempoBpm}bpm`;
      const sampleId = `${key}_${soundfont}_clean`;
      const built = await engine.build(
        { ordinal: 0, profile, rudiment, tempoBpm, performanceKey: key, variants: [{ index: 0, soundfont, preset: null, sampleId }] },
        splits,
      );
      const path = join(dir, `${sampleId}.flac`);
      writeFileSync(path, built.files.find((f) => f.path.endsWith('.flac'))!.bytes);
      const strokes = built.tables.strokes[0]!.records as StrokeLabel[];
      const detections = runAubioOnset(path, AUBIO);
      const errors = matchOnsets(strokes.map((s) => s.actualTimeMs), detections, WINDOW_MS);
      renders.push({ sampleId, soundfont, strokes, errors, detections });
    }
  }
}, 300_000);

type GraceKind = 'flam or first drag grace' | 'second drag grace';

interface Figures {
  primaries: number;
  primaryErrors: number[];
  graces: Map<GraceKind, { total: number; found: number }>;
  isolated: number;
  retriggered: number;
}

function figures(of: readonly Render[]): Figures {
  const f: Figures = { primaries: 0, primaryErrors: [], graces: new Map(), isolated: 0, retriggered: 0 };
  for (const r of of) {
    const times = r.strokes.map((s) => s.actualTimeMs);
    r.strokes.forEach((s, i) => {
      if (!s.isGraceNote && !s.isBuzzBounce) {
        f.primaries++;
        if (r.errors[i] !== null) f.primaryErrors.push(r.errors[i]!);
      }
      if (s.isGraceNote && s.flamSpacingMs! >= GRACE_MIN_SPACING_MS) {
        const prev = r.strokes[i - 1];
        const kind: GraceKind = prev?.isGraceNote && prev.parentStrokeIndex === s.parentStrokeIndex ? 'second drag grace' : 'flam or first drag grace';
        const g = f.graces.get(kind) ?? { total: 0, found: 0 };
        g.total++;
        if (r.errors[i] !== null) g.found++;
        f.graces.set(kind, g);
      }
      const t = times[i]!;
      if ((times[i + 1] ?? Infinity) - t >= 40 && t - (times[i - 1] ?? -Infinity) >= 40) {
        f.isolated++;
        if (r.detections.some((d) => d > t + 8 && d < t + 25)) f.retriggered++;
      }
    });
  }
  return f;
}

function graceShare(f: Figures, kinds?: GraceKind[]): { total: number; found: number; share: number } {
  let total = 0;
  let found = 0;
  for (const [kind, g] of f.graces) {
    if (kinds && !kinds.includes(kind)) continue;
    total += g.total;
    found += g.found;
  }
  return { total, found, share: found / total };
}

function describeFigures(label: string, f: Figures): string {
  const abs = f.primaryErrors.map(Math.abs);
  const all = graceShare(f);
  const parts = [...f.graces].map(([k, g]) => `${k} ${g.found}/${g.total}`).join(', ');
  return (
    `${label.padEnd(10)} primaries matched ${f.primaryErrors.length}/${f.primaries} (${((100 * f.primaryErrors.length) / f.primaries).toFixed(1)} %), ` +
    `|error| median ${median(abs).toFixed(2)} ms, p90 ${quantile(abs, 0.9).toFixed(2)} ms, signed median ${median(f.primaryErrors).toFixed(2)} ms; ` +
    `graces >= ${GRACE_MIN_SPACING_MS} ms found ${all.found}/${all.total} (${(100 * all.share).toFixed(1)} %: ${parts}); ` +
    `retrigger 8-25 ms after isolated strokes ${f.retriggered}/${f.isolated}`
  );
}

describe('aubioonset on dry renders of the 40 rudiments', () => {
  it('covers every rudiment for both players, and prints the figures', () => {
    expect(renders.length).toBe(80);
    expect(new Set(renders.map((r) => r.soundfont)).size).toBe(6);
    const lines = [describeFigures('all', figures(renders))];
    for (const sf of BUILTIN_SOUNDFONT_NAMES) lines.push(describeFigures(sf, figures(renders.filter((r) => r.soundfont === sf))));
    for (const tier of ['beg', 'pro']) lines.push(describeFigures(tier, figures(renders.filter((r) => r.sampleId.startsWith(tier)))));
    console.log(`aubioonset ${JSON.stringify(AUBIO)}, window ±${WINDOW_MS} ms\n${lines.join('\n')}`);
  });

  it('detects nothing in the ring of an isolated stroke (the control that makes grace counts meaningful)', () => {
    const f = figures(renders);
    expect(f.isolated).toBeGreaterThan(1000);
    expect(f.retriggered / f.isolated).toBeLessThan(0.02);
  });

  it('puts primaries where their labels are: median |audio onset - label| under 2 ms', () => {
    const f = figures(renders);
    // Measured: 96.3 % matched (88.7 % before the wires snapped), median |error| 0.57 ms (0.86 before).
    expect(f.primaryErrors.length / f.primaries).toBeGreaterThan(0.85);
    expect(median(f.primaryErrors.map(Math.abs))).toBeLessThan(2);
    expect(Math.abs(median(f.primaryErrors))).toBeLessThan(2);
  });

  it('hears flam graces and first drag graces as onsets of their own (at least 90 %)', () => {
    const g = graceShare(figures(renders), ['flam or first drag grace']);
    expect(g.total).toBeGreaterThan(150);
    expect(g.share).toBeGreaterThanOrEqual(0.9);
  });

  it('hears at least 90 % of all graces 15 ms or more before their primary, second drag graces included (issue 3)', () => {
    const g = graceShare(figures(renders));
    // Measured: 319/320 (99.7 %), second drag graces 103/104 (46/104 before the wires snapped).
    expect(g.total).toBeGreaterThan(250);
    expect(g.share).toBeGreaterThanOrEqual(0.9);
  });
});
