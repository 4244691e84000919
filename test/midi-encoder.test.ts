/** The direct MIDI writer gives exactly @tonejs/midi's bytes, for every rudiment, tier and tempo extreme. */
import { describe, expect, it } from 'vitest';
import midiPkg from '@tonejs/midi';
import { generatePerformance, performanceToMidi, readMidiNotes } from '../src/performance/index.js';
import { performanceToMidiTonejs } from '../src/performance/midi.js';
import { loadRudiments } from '../src/rudiments/index.js';
import { generateProfiles } from '../src/profiles/index.js';

describe('performanceToMidi', () => {
  it('writes the same bytes as the @tonejs/midi encoder (40 rudiments x 8 players x 3 tempos)', () => {
    const profiles = generateProfiles(42, 8);
    let n = 0;
    for (const r of loadRudiments()) {
      for (const p of profiles) {
        const [lo, hi] = r.tempoRangeBpm;
        for (const bpm of [lo, Math.round((lo + hi) / 2), hi]) {
          const perf = generatePerformance({ rudiment: r, profile: p, tempoBpm: bpm, seed: 3, key: `${p.id}/${r.slug}/${bpm}` });
          const ours = performanceToMidi(perf);
          expect(Buffer.from(ours).equals(Buffer.from(performanceToMidiTonejs(perf))), `${r.slug} ${p.id} ${bpm}`).toBe(true);
          n++;
        }
      }
    }
    expect(n).toBe(960);
  });

  it('is read back by @tonejs/midi with the stroke times and velocities', () => {
    const [p] = generateProfiles(7, 1);
    const r = loadRudiments().find((x) => x.slug === 'flam_accent')!;
    const perf = generatePerformance({ rudiment: r, profile: p!, tempoBpm: 120, seed: 1, key: 'k' });
    const midi = new midiPkg.Midi(performanceToMidi(perf));
    expect(midi.header.ppq).toBe(480);
    expect(midi.header.tempos[0]!.bpm).toBeCloseTo(120, 6);
    const track = midi.tracks.find((t) => t.notes.length > 0)!;
    const notes = track.notes;
    const ours = readMidiNotes(performanceToMidi(perf));
    expect(notes.length).toBe(perf.strokes.length);
    notes.forEach((n, i) => {
      expect(n.velocity * 127).toBeCloseTo(ours[i]!.velocity, 6);
      expect(n.time * 1000).toBeCloseTo(ours[i]!.timeMs, 6);
      expect(track.channel).toBe(9);
      expect(n.midi).toBe(38);
    });
  });
});
