import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RudimentError } from '../src/errors.js';
import { EMBEDDED_RUDIMENT_FILES } from '../src/rudiments/embedded.js';
import {
  RUDIMENT_SLUGS,
  expandPattern,
  getRudiment,
  loadRudiments,
  parseBeatFraction,
  parseRudimentFiles,
  parseRudimentYaml,
  resolveRudimentSlugs,
  strokesPerCycle,
} from '../src/rudiments/index.js';
import type { Hand, Ornament, PatternStroke, Rudiment } from '../src/rudiments/index.js';

// Expected data, transcribed from shared/reference/rudiments.md §2.1 (slug, category, cycle,
// mirror, strokes as primaries + graces, tempo) and §2.2 (one right-lead cycle in its notation:
// `(l)` flam, `(ll)` drag, `>` accent, `(d1)`/`(d2)` diddle, `~` buzz). Independent of the YAML.
type Row = [number, string, string, string, boolean, number, number, [number, number], string];
const TABLE: readonly Row[] = [
  [1, 'single_stroke_roll', 'roll', '1', false, 4, 0, [60, 200], '0:R 1/4:L 1/2:R 3/4:L'],
  [2, 'single_stroke_four', 'roll', '1', false, 4, 0, [60, 150], '0:R 1/6:L 1/3:R 1/2:>L'],
  [3, 'single_stroke_seven', 'roll', '2', true, 7, 0, [60, 150], '0:R 1/6:L 1/3:R 1/2:L 2/3:R 5/6:L 1:>R'],
  [4, 'multiple_bounce_roll', 'roll', '1', false, 4, 0, [60, 120], '0:R~ 1/4:L~ 1/2:R~ 3/4:L~'],
  [5, 'triple_stroke_roll', 'roll', '1', false, 6, 0, [50, 120], '0:R 1/6:R 1/3:R 1/2:L 2/3:L 5/6:L'],
  [6, 'double_stroke_open_roll', 'roll', '1', false, 4, 0, [60, 180], '0:R(d1) 1/4:R(d2) 1/2:L(d1) 3/4:L(d2)'],
  [7, 'five_stroke_roll', 'roll', '1', true, 5, 0, [50, 130], '0:R(d1) 1/8:R(d2) 1/4:L(d1) 3/8:L(d2) 1/2:>R'],
  [8, 'six_stroke_roll', 'roll', '1', false, 6, 0, [50, 130], '0:>R 1/4:L(d1) 3/8:L(d2) 1/2:R(d1) 5/8:R(d2) 3/4:>L'],
  [9, 'seven_stroke_roll', 'roll', '1', false, 7, 0, [50, 130], '0:R(d1) 1/8:R(d2) 1/4:L(d1) 3/8:L(d2) 1/2:R(d1) 5/8:R(d2) 3/4:>L'],
  [10, 'nine_stroke_roll', 'roll', '2', true, 9, 0, [50, 130], '0:R(d1) 1/8:R(d2) 1/4:L(d1) 3/8:L(d2) 1/2:R(d1) 5/8:R(d2) 3/4:L(d1) 7/8:L(d2) 1:>R'],
  [11, 'ten_stroke_roll', 'roll', '2', false, 10, 0, [50, 130], '0:R(d1) 1/8:R(d2) 1/4:L(d1) 3/8:L(d2) 1/2:R(d1) 5/8:R(d2) 3/4:L(d1) 7/8:L(d2) 1:>R 5/4:>L'],
  [12, 'eleven_stroke_roll', 'roll', '2', false, 11, 0, [50, 130], '0:R(d1) 1/8:R(d2) 1/4:L(d1) 3/8:L(d2) 1/2:R(d1) 5/8:R(d2) 3/4:L(d1) 7/8:L(d2) 1:R(d1) 9/8:R(d2) 5/4:>L'],
  [13, 'thirteen_stroke_roll', 'roll', '2', true, 13, 0, [50, 130], '0:R(d1) 1/8:R(d2) 1/4:L(d1) 3/8:L(d2) 1/2:R(d1) 5/8:R(d2) 3/4:L(d1) 7/8:L(d2) 1:R(d1) 9/8:R(d2) 5/4:L(d1) 11/8:L(d2) 3/2:>R'],
  [14, 'fifteen_stroke_roll', 'roll', '2', false, 15, 0, [50, 130], '0:R(d1) 1/8:R(d2) 1/4:L(d1) 3/8:L(d2) 1/2:R(d1) 5/8:R(d2) 3/4:L(d1) 7/8:L(d2) 1:R(d1) 9/8:R(d2) 5/4:L(d1) 11/8:L(d2) 3/2:R(d1) 13/8:R(d2) 7/4:>L'],
  [15, 'seventeen_stroke_roll', 'roll', '3', true, 17, 0, [50, 130], '0:R(d1) 1/8:R(d2) 1/4:L(d1) 3/8:L(d2) 1/2:R(d1) 5/8:R(d2) 3/4:L(d1) 7/8:L(d2) 1:R(d1) 9/8:R(d2) 5/4:L(d1) 11/8:L(d2) 3/2:R(d1) 13/8:R(d2) 7/4:L(d1) 15/8:L(d2) 2:>R'],
  [16, 'single_paradiddle', 'diddle', '1', true, 4, 0, [60, 180], '0:>R 1/4:L 1/2:R(d1) 3/4:R(d2)'],
  [17, 'double_paradiddle', 'diddle', '1', true, 6, 0, [50, 130], '0:>R 1/6:L 1/3:R 1/2:L 2/3:R(d1) 5/6:R(d2)'],
  [18, 'triple_paradiddle', 'diddle', '2', true, 8, 0, [60, 170], '0:>R 1/4:L 1/2:R 3/4:L 1:R 5/4:L 3/2:R(d1) 7/4:R(d2)'],
  [19, 'paradiddle_diddle', 'diddle', '1', false, 6, 0, [50, 130], '0:>R 1/6:L 1/3:R(d1) 1/2:R(d2) 2/3:L(d1) 5/6:L(d2)'],
  [20, 'flam', 'flam', '1/2', true, 1, 1, [60, 160], '0:(l)>R'],
  [21, 'flam_accent', 'flam', '1', true, 3, 1, [60, 180], '0:(l)>R 1/3:L 2/3:R'],
  [22, 'flam_tap', 'flam', '1/2', true, 2, 1, [50, 150], '0:(l)>R 1/4:R'],
  [23, 'flamacue', 'flam', '2', true, 5, 2, [50, 140], '0:(l)R 1/4:>L 1/2:R 3/4:L 1:(l)R'],
  [24, 'flam_paradiddle', 'flam', '1', true, 4, 1, [50, 140], '0:(l)>R 1/4:L 1/2:R(d1) 3/4:R(d2)'],
  [25, 'single_flammed_mill', 'flam', '1', true, 4, 1, [50, 140], '0:(l)>R 1/4:R 1/2:L 3/4:R'],
  [26, 'flam_paradiddle_diddle', 'flam', '1', true, 6, 1, [40, 110], '0:(l)>R 1/6:L 1/3:R(d1) 1/2:R(d2) 2/3:L(d1) 5/6:L(d2)'],
  [27, 'pataflafla', 'flam', '1', false, 4, 2, [50, 130], '0:(l)>R 1/4:L 1/2:R 3/4:(r)>L'],
  [28, 'swiss_army_triplet', 'flam', '1', false, 3, 1, [60, 180], '0:(l)>R 1/3:R 2/3:L'],
  [29, 'inverted_flam_tap', 'flam', '1', false, 4, 2, [50, 140], '0:(l)>R 1/4:L 1/2:(r)>L 3/4:R'],
  [30, 'flam_drag', 'flam', '1', true, 4, 1, [50, 140], '0:(l)>R 1/3:L(d1) 1/2:L(d2) 2/3:R'],
  [31, 'drag', 'drag', '1/2', true, 1, 2, [60, 140], '0:(ll)>R'],
  [32, 'single_drag_tap', 'drag', '1', true, 2, 2, [60, 140], '0:(ll)R 1/2:>L'],
  [33, 'double_drag_tap', 'drag', '1', true, 3, 4, [50, 130], '0:(ll)R 1/3:(ll)R 2/3:>L'],
  [34, 'lesson_25', 'drag', '1', true, 3, 2, [50, 140], '0:(ll)R 1/4:L 1/2:>R'],
  [35, 'single_dragadiddle', 'drag', '1', true, 5, 0, [50, 130], '0:>R(d1) 1/8:R(d2) 1/4:L 1/2:R(d1) 3/4:R(d2)'],
  [36, 'drag_paradiddle_1', 'drag', '2', true, 5, 2, [50, 140], '0:>R 1:(ll)>R 5/4:L 3/2:R(d1) 7/4:R(d2)'],
  [37, 'drag_paradiddle_2', 'drag', '2', true, 6, 4, [50, 130], '0:>R 1/2:(ll)R 1:(ll)>R 5/4:L 3/2:R(d1) 7/4:R(d2)'],
  [38, 'single_ratamacue', 'drag', '1', true, 4, 2, [50, 130], '0:(ll)R 1/6:L 1/3:R 1/2:>L'],
  [39, 'double_ratamacue', 'drag', '3/2', true, 5, 4, [50, 120], '0:(ll)R 1/2:(ll)R 2/3:L 5/6:R 1:>L'],
  [40, 'triple_ratamacue', 'drag', '2', true, 6, 6, [50, 120], '0:(ll)R 1/2:(ll)R 1:(ll)R 7/6:L 4/3:R 3/2:>L'],
];

/** rudiments.md §1.7, "Mirror every cycle", as its own list. */
const MIRRORING_PAS = new Set([3, 7, 10, 13, 15, 16, 17, 18, 20, 21, 22, 23, 24, 25, 26, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);

function frac(text: string): number {
  const [a, b = '1'] = text.split('/');
  return Number(a) / Number(b);
}

interface Expected {
  beat: number;
  text: string;
  hand: Hand;
  accent: boolean;
  diddle: 1 | 2 | null;
  buzz: boolean;
  ornament: Ornament;
}

/** Parse the reference notation `0:(l)>R 1/3:L(d1) …` into strokes; graces must be by the other hand. */
function parseCycle(notation: string, cycleOffset = 0): Expected[] {
  return notation.split(' ').map((token) => {
    const m = /^([\d/]+):(?:\((l|ll|r|rr)\))?(>)?([RL])(?:\(d([12])\))?(~)?$/.exec(token);
    if (!m) throw new Error(`bad token ${token}`);
    const [, pos = '', grace, accent, hand = '', diddle, buzz] = m;
    if (grace !== undefined && grace[0]?.toUpperCase() === hand) throw new Error(`grace by the same hand: ${token}`);
    return {
      beat: cycleOffset + frac(pos),
      text: pos,
      hand: hand as Hand,
      accent: accent !== undefined,
      diddle: diddle === undefined ? null : (Number(diddle) as 1 | 2),
      buzz: buzz !== undefined,
      ornament: grace === undefined ? 'none' : grace.length === 1 ? 'flam' : 'drag',
    };
  });
}

const swap = (h: Hand): Hand => (h === 'R' ? 'L' : 'R');

function asExpected(s: PatternStroke): Omit<Expected, 'text'> {
  return { beat: s.beat, hand: s.hand, accent: s.accent, diddle: s.diddle, buzz: s.buzz, ornament: s.ornament };
}

function thrown(fn: () => unknown): RudimentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RudimentError) return e;
    throw new Error(`expected a RudimentError, got ${String(e)}`);
  }
  throw new Error('expected a RudimentError, nothing was thrown');
}

describe('the 40 built-in rudiments', () => {
  const all = loadRudiments();

  it('are 40, in PAS order, with the expected slugs and RUDIMENT_SLUGS', () => {
    expect(all.map((r) => r.pasNumber)).toEqual(TABLE.map((row) => row[0]));
    expect(all.map((r) => r.slug)).toEqual(TABLE.map((row) => row[1]));
    expect([...RUDIMENT_SLUGS]).toEqual(TABLE.map((row) => row[1]));
  });

  it('are memoised and frozen', () => {
    expect(loadRudiments()).toBe(all);
    expect(Object.isFrozen(all)).toBe(true);
    const r = all[0] as Rudiment;
    expect(Object.isFrozen(r) && Object.isFrozen(r.strokes) && Object.isFrozen(r.strokes[0])).toBe(true);
  });

  it('have the categories of rudiments.md (roll 15, diddle 4, flam 11, drag 10)', () => {
    const counts: Record<string, number> = {};
    for (const r of all) counts[r.category] = (counts[r.category] ?? 0) + 1;
    expect(counts).toEqual({ roll: 15, diddle: 4, flam: 11, drag: 10 });
  });

  it('mirror exactly as listed in rudiments.md §1.7', () => {
    expect(all.filter((r) => r.mirror).map((r) => r.pasNumber)).toEqual([...MIRRORING_PAS]);
    for (const row of TABLE) expect(row[4]).toBe(MIRRORING_PAS.has(row[0]));
  });

  for (const [pas, slug, category, cycle, mirror, primaries, graces, tempo, notation] of TABLE) {
    describe(`#${pas} ${slug}`, () => {
      const r = getRudiment(slug);
      const expected = parseCycle(notation);

      it(`has ${primaries}+${graces} strokes per cycle, category ${category}, cycle ${cycle}, tempo ${tempo.join('-')}`, () => {
        expect(strokesPerCycle(r)).toEqual({ primaries, graces, total: primaries + graces });
        expect(r.category).toBe(category);
        expect(r.cycleBeats).toBe(frac(cycle));
        expect(r.mirror).toBe(mirror);
        expect(r.tempoRangeBpm).toEqual(tempo);
        expect(r.pasNumber).toBe(pas);
      });

      it('has the exact positions, hands, accents and articulations of one cycle', () => {
        expect(
          r.strokes.map((s) => ({
            beat: s.positionBeats,
            text: s.positionText,
            hand: s.hand,
            accent: s.accent,
            diddle: s.diddle,
            buzz: s.buzz,
            ornament: s.ornament,
          })),
        ).toEqual(expected);
      });

      it(`${mirror ? 'swaps' : 'keeps'} hands on the second cycle, shifted by one cycle`, () => {
        const two = expandPattern(r, 2, 'R');
        expect(two).toHaveLength(2 * primaries);
        const c0 = two.slice(0, primaries);
        const c1 = two.slice(primaries);
        expect(c0.map(asExpected)).toEqual(expected.map(({ text: _t, ...rest }) => rest));
        expect(c1.every((s) => s.cycleIndex === 1) && c0.every((s) => s.cycleIndex === 0)).toBe(true);
        expect(c1.map((s) => s.beat)).toEqual(c0.map((s) => s.beat + frac(cycle)));
        expect(c1.map((s) => s.hand)).toEqual(c0.map((s) => (mirror ? swap(s.hand) : s.hand)));
        // Cycles never overlap: time strictly increases across the join.
        for (let i = 1; i < two.length; i++) expect(two[i]!.beat).toBeGreaterThan(two[i - 1]!.beat);
      });

      it('with a left lead swaps every hand of every cycle', () => {
        const right = expandPattern(r, 4, 'R');
        const left = expandPattern(r, 4, 'L');
        expect(left.map((s) => s.hand)).toEqual(right.map((s) => swap(s.hand)));
        expect(left.map((s) => s.beat)).toEqual(right.map((s) => s.beat));
        expect(left[0]!.hand).toBe('L');
      });

      it('resolves from its aliases', () => {
        const hyphenated = slug.replaceAll('_', '-');
        expect(getRudiment(hyphenated)).toBe(r);
        if (hyphenated !== slug) expect(r.aliases).toContain(hyphenated);
      });
    });
  }

  it('matches the worked mirror example for the single ratamacue (rudiments.md §2.2)', () => {
    const period = expandPattern(getRudiment('single_ratamacue'), 2, 'R').map(asExpected);
    const expected = parseCycle('0:(ll)R 1/6:L 1/3:R 1/2:>L 1:(rr)L 7/6:R 4/3:L 3/2:>R');
    expect(period).toEqual(expected.map(({ text: _t, ...rest }) => rest));
  });

  it('expandPattern counts cycles exactly and rejects bad cycle counts', () => {
    const r = getRudiment('flam_tap');
    expect(expandPattern(r, 0, 'R')).toEqual([]);
    const five = expandPattern(r, 5, 'R');
    expect(five.map((s) => s.beat)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25]);
    expect(five.map((s) => s.hand).join('')).toBe('RRLLRRLLRR');
    for (const bad of [-1, 1.5, Number.NaN]) expect(thrown(() => expandPattern(r, bad, 'R')).message).toMatch(/numCycles/);
  });
});

describe('names', () => {
  it('accept the SOUSAphone slug of #19 and any case or spacing', () => {
    expect(getRudiment('single-paradiddle-diddle').pasNumber).toBe(19);
    expect(getRudiment('paradiddle-diddle').pasNumber).toBe(19);
    expect(getRudiment('  Flam-Tap ').slug).toBe('flam_tap');
  });

  it('resolveRudimentSlugs maps aliases to slugs, keeps order, drops repeats', () => {
    expect(resolveRudimentSlugs(['flam-tap', 'single_paradiddle', 'flam_tap', 'lesson-25'])).toEqual([
      'flam_tap',
      'single_paradiddle',
      'lesson_25',
    ]);
    expect(resolveRudimentSlugs([])).toEqual([]);
  });

  it('an unknown slug is RUDIMENT_UNKNOWN and lists every valid slug', () => {
    const e = thrown(() => getRudiment('paradiddle'));
    expect(e.code).toBe('RUDIMENT_UNKNOWN');
    expect(e.message).toContain('"paradiddle"');
    for (const [, slug] of TABLE) expect(e.message).toContain(slug);
    const e2 = thrown(() => resolveRudimentSlugs(['flam', 'nope', 'bogus_roll']));
    expect(e2.code).toBe('RUDIMENT_UNKNOWN');
    expect(e2.message).toMatch(/"nope", "bogus_roll": expected one of single_stroke_roll, .*triple_ratamacue/);
  });
});

describe('definition files', () => {
  const dir = fileURLToPath(new URL('../src/rudiments/definitions/', import.meta.url));
  const names = readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort();

  it('are named NN_slug.yaml and embedded.ts holds exactly their text', () => {
    expect(names).toEqual(TABLE.map(([pas, slug]) => `${String(pas).padStart(2, '0')}_${slug}.yaml`));
    expect(Object.keys(EMBEDDED_RUDIMENT_FILES).sort()).toEqual(names);
    for (const n of names) {
      const text = readFileSync(`${dir}${n}`, 'utf8').replace(/\r\n?/g, '\n');
      expect(EMBEDDED_RUDIMENT_FILES[n], `${n} differs from embedded.ts: run node scripts/embed-rudiments.mjs`).toBe(text);
    }
  });

  it('embedded.ts is byte-identical to what scripts/embed-rudiments.mjs generates', () => {
    const script = fileURLToPath(new URL('../scripts/embed-rudiments.mjs', import.meta.url));
    // Throws (non-zero exit) when the file is out of date.
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('carry a one-line note wherever rudiments.md states a choice, and the hyphenated alias', () => {
    for (const n of names) {
      const text = EMBEDDED_RUDIMENT_FILES[n] ?? '';
      const notes = text.split('\n').filter((l) => l.startsWith('notes:'));
      expect(notes.length, n).toBeLessThanOrEqual(1);
    }
    // The deviations of rudiments.md §3.2 each carry a note.
    for (const pas of [2, 3, 5, 11, 17, 19, 22, 23, 24, 25, 27, 28, 29, 30, 32, 33, 34, 35, 36, 37, 39, 40]) {
      const n = names[pas - 1] ?? '';
      expect(EMBEDDED_RUDIMENT_FILES[n], n).toMatch(/\nnotes: "[^\n]{10,}"\n/);
    }
  });
});

describe('parseRudimentYaml', () => {
  // Line numbers matter: the messages below point at them.
  const GOOD = [
    'name: Flam Tap', // 1
    'slug: my_flam_tap', // 2
    'aliases: [my-flam-tap]', // 3
    'pas_number: 22', // 4
    'category: flam', // 5
    'grid: "16th"', // 6
    'cycle_beats: "1/2"', // 7
    'mirror: true', // 8
    'tempo_range_bpm: [50, 150]', // 9
    'strokes:', // 10
    '  - { at: 0, hand: R, accent: true, ornament: flam }', // 11
    '  - { at: "1/4", hand: R }', // 12
    '',
  ].join('\n');
  const edit = (from: string, to: string): string => {
    if (!GOOD.includes(from)) throw new Error(`fixture has no ${from}`);
    return GOOD.replace(from, to);
  };
  const invalid = (text: string, file = 'my_flam_tap.yaml'): string => {
    const e = thrown(() => parseRudimentYaml(text, file));
    expect(e.code).toBe('RUDIMENT_INVALID');
    return e.message;
  };

  it('parses a valid user file into exact values', () => {
    const r = parseRudimentYaml(GOOD, 'my_flam_tap.yaml');
    expect(r).toEqual({
      slug: 'my_flam_tap',
      aliases: ['my-flam-tap'],
      name: 'Flam Tap',
      pasNumber: 22,
      category: 'flam',
      grid: '16th',
      cycleBeats: 0.5,
      mirror: true,
      tempoRangeBpm: [50, 150],
      strokes: [
        { positionBeats: 0, positionText: '0', hand: 'R', accent: true, diddle: null, buzz: false, ornament: 'flam' },
        { positionBeats: 0.25, positionText: '1/4', hand: 'R', accent: false, diddle: null, buzz: false, ornament: 'none' },
      ],
    });
  });

  it('rejects an unknown stroke field value, naming file, line, field and the allowed values', () => {
    expect(invalid(edit('ornament: flam', 'ornament: roll'), '20_flam.yaml')).toBe(
      'strokes[0].ornament must be one of none|flam|drag, got "roll" (in 20_flam.yaml, line 11)',
    );
    expect(invalid(edit('hand: R }', 'hand: X }'))).toBe(
      'strokes[1].hand must be one of R|L, got "X" (in my_flam_tap.yaml, line 12)',
    );
    expect(invalid(edit('accent: true', 'accent: yes'))).toMatch(
      /^strokes\[0\]\.accent must be true or false, got "yes" \(in my_flam_tap\.yaml, line 11\)$/,
    );
    expect(invalid(edit('category: flam', 'category: rolls'))).toMatch(
      /^category must be one of roll\|diddle\|flam\|drag, got "rolls" \(in my_flam_tap\.yaml, line 5\)$/,
    );
  });

  it('rejects an unknown field name', () => {
    expect(invalid(edit('hand: R }', 'hand: R, grace: 1 }'))).toMatch(
      /^strokes\[1\] has unknown field "grace"; expected only at\|hand\|accent\|diddle\|buzz\|ornament \(in my_flam_tap\.yaml, line 12\)$/,
    );
  });

  it('rejects a position outside the cycle', () => {
    expect(invalid(edit('at: "1/4"', 'at: "1/2"'))).toBe(
      'strokes[1].at must be within [0, cycle_beats) = [0, 1/2), got "1/2" (in my_flam_tap.yaml, line 12)',
    );
  });

  it('rejects a position that is not an exact fraction', () => {
    expect(invalid(edit('at: "1/4"', 'at: 0.25'))).toMatch(
      /^strokes\[1\]\.at must be a non-negative integer or a fraction string "a\/b".*, got 0\.25 \(in my_flam_tap\.yaml, line 12\)$/,
    );
    expect(invalid(edit('at: "1/4"', 'at: "1/0"'))).toMatch(/^strokes\[1\]\.at must be .*got "1\/0"/);
    expect(invalid(edit('at: "1/4"', 'at: -1'))).toMatch(/^strokes\[1\]\.at must be .*got -1/);
  });

  it('rejects a missing field', () => {
    expect(invalid(edit('mirror: true\n', ''))).toBe(
      'mirror must be true or false, got nothing (the field is missing) (in my_flam_tap.yaml, line 1)',
    );
    expect(invalid(edit('{ at: "1/4", hand: R }', '{ at: "1/4" }'))).toBe(
      'strokes[1].hand must be one of R|L, got nothing (the field is missing) (in my_flam_tap.yaml, line 12)',
    );
  });

  it('rejects non-increasing positions', () => {
    const text = edit('  - { at: "1/4", hand: R }', '  - { at: "1/4", hand: R }\n  - { at: "1/4", hand: L }');
    expect(invalid(text)).toBe(
      'strokes[2].at must be greater than strokes[1].at (1/4): positions strictly increase, got "1/4" (in my_flam_tap.yaml, line 13)',
    );
    const backwards = edit('at: 0,', 'at: "1/3",');
    expect(invalid(backwards)).toMatch(/^strokes\[1\]\.at must be greater than strokes\[0\]\.at \(1\/3\)/);
  });

  it('rejects unpaired diddles', () => {
    expect(invalid(edit('hand: R }', 'hand: R, diddle: 2 }'))).toBe(
      'strokes[1].diddle 2 must follow a diddle 1 of the same hand (R), got hand R with diddle none at strokes[0] (in my_flam_tap.yaml, line 12)',
    );
    const split = edit('accent: true,', 'accent: true, diddle: 1,').replace('hand: R }', 'hand: L, diddle: 2 }');
    expect(invalid(split)).toBe(
      'strokes[0].diddle 1 must be followed by a diddle 2 of the same hand (R), got hand L with diddle 2 at strokes[1] (in my_flam_tap.yaml, line 11)',
    );
  });

  it('rejects bad tempo ranges, slugs and PAS numbers', () => {
    expect(invalid(edit('[50, 150]', '[150, 50]'))).toBe(
      'tempo_range_bpm must be [min, max] with min < max, got [150, 50] (in my_flam_tap.yaml, line 9)',
    );
    expect(invalid(edit('[50, 150]', '[10, 150]'))).toMatch(/^tempo_range_bpm\[0\] must be an integer from 20 to 300 .*got 10 /);
    expect(invalid(edit('[50, 150]', '[50]'))).toMatch(/^tempo_range_bpm must be a list \[min, max\]/);
    expect(invalid(edit('slug: my_flam_tap', 'slug: My-Flam-Tap'))).toMatch(
      /^slug must be a string matching \^\[a-z0-9_\]\+\$ .*got "My-Flam-Tap" \(in my_flam_tap\.yaml, line 2\)$/,
    );
    expect(invalid(edit('pas_number: 22', 'pas_number: 41'))).toMatch(/^pas_number must be an integer from 1 to 40, got 41 /);
  });

  it('reports every problem, one per line', () => {
    const text = edit('ornament: flam', 'ornament: roll').replace('category: flam', 'category: x');
    expect(invalid(text).split('\n')).toHaveLength(2);
  });

  it('rejects malformed YAML and an empty file', () => {
    expect(invalid('name: [unclosed\nslug: x\n')).toMatch(/^could not read YAML: .* \(in my_flam_tap\.yaml, line \d+\)$/);
    expect(invalid(GOOD + 'slug: again\n')).toMatch(/^could not read YAML: .*unique.* \(in my_flam_tap\.yaml, line 13\)$/);
    expect(invalid('')).toMatch(/^the file must be a YAML mapping .*got an empty value \(in my_flam_tap\.yaml\)$/);
  });

  it('parseRudimentFiles rejects a PAS number or alias used twice', () => {
    const other = edit('slug: my_flam_tap', 'slug: other').replace('[my-flam-tap]', '[]');
    const e = thrown(() => parseRudimentFiles({ 'a.yaml': GOOD, 'b.yaml': other }));
    expect(e.message).toBe('pas_number must be unique, got 22 again (in b.yaml; also in a.yaml)');
    const clash = other.replace('pas_number: 22', 'pas_number: 23').replace('aliases: []', 'aliases: [my-flam-tap]');
    expect(thrown(() => parseRudimentFiles({ 'a.yaml': GOOD, 'b.yaml': clash })).message).toBe(
      'aliases must be unique among slugs and aliases, got "my-flam-tap" again (in b.yaml; also in a.yaml)',
    );
  });
});

describe('parseBeatFraction', () => {
  it('reads integers and a/b exactly and nothing else', () => {
    expect(parseBeatFraction(0)).toEqual({ num: 0, den: 1 });
    expect(parseBeatFraction('3/2')).toEqual({ num: 3, den: 2 });
    expect(parseBeatFraction(' 7 / 6 ')).toEqual({ num: 7, den: 6 });
    expect(parseBeatFraction('2')).toEqual({ num: 2, den: 1 });
    for (const bad of [0.5, -1, '1/0', '-1/2', '1.5', '1/2/3', '', null, true]) expect(parseBeatFraction(bad)).toBeNull();
  });
});
