import { describe, expect, it } from 'vitest';
import { resolveConfig, planPerformances, countPerformances, countChunks, drawTempos, planVariants } from '../src/dataset/plan.js';
import { profilesAndSplits } from '../src/dataset/generate.js';
import { getRudiment } from '../src/rudiments/index.js';

describe('plan', () => {
  it('yields every performance once in order, and any ordinal range equals the slice of the full plan', () => {
    for (const cfg of [resolveConfig({ preset: 'small' }), resolveConfig({ profiles: 3, tempos: 2, rudiments: ['flam', 'drag', 'single_paradiddle'] })]) {
      const { profiles } = profilesAndSplits(cfg);
      const all = [...planPerformances(cfg, profiles)];
      expect(all.length).toBe(countPerformances(cfg));
      expect(all.every((p, i) => p.ordinal === i)).toBe(true);
      for (const [a, b] of [[0, 7], [5, 13], [119, 121], [1190, 1300], [0, 1e9], [17, 17], [3, 4]] as const) {
        const part = [...planPerformances(cfg, profiles, a, b)].map((p) => `${p.ordinal}:${p.performanceKey}`);
        expect(part).toEqual(all.filter((p) => p.ordinal >= a && p.ordinal < b).map((p) => `${p.ordinal}:${p.performanceKey}`));
      }
    }
    expect(countChunks(resolveConfig({ preset: 'full' }))).toBe(100);
  });

  it('draws distinct tempos inside each rudiment range, stratified', () => {
    const r = getRudiment('flam_accent');
    for (let n = 1; n <= 8; n++) {
      const t = drawTempos(42, 'beg000', r, n);
      expect(new Set(t).size).toBe(n);
      for (const x of t) expect(x >= r.tempoRangeBpm[0] && x <= r.tempoRangeBpm[1]).toBe(true);
    }
    expect(() => drawTempos(42, 'beg000', r, 500)).toThrow(/tempos must be at most/);
  });

  it('picks distinct presets per performance and records soundfont and preset in the id', () => {
    const cfg = resolveConfig({
      preset: 'tiny',
      audio: { soundfonts: [{ name: 'pad', sha256: 'x' }, { name: 'concert', sha256: 'y' }], augmentations: 3, augmentPresets: ['gym', 'garage', 'lo_fi', 'clean_studio'] },
    });
    const { profiles } = profilesAndSplits(cfg);
    const v = planVariants(cfg, profiles[0]!, 'flam', 100, 'k');
    expect(v.length).toBe(3);
    expect(new Set(v.map((x) => x.preset)).size).toBe(3);
    for (const x of v) expect(x.sampleId).toBe(`beg000_flam_100bpm_${x.soundfont}_${x.preset!.replace(/_/g, '')}`);
    expect(() =>
      resolveConfig({ audio: { soundfonts: [{ name: 'pad', sha256: 'x' }], augmentations: 5, augmentPresets: ['gym'] } }),
    ).toThrow(/must not exceed the number of allowed presets/);
  });
});
