/**
 * Rudiment data model. A rudiment is one cycle of primary strokes on an exact beat grid;
 * grace notes hang off their primary (never occupy a grid slot); `mirror` says whether the next
 * cycle swaps hands. Beat = quarter note. See shared/reference/rudiments.md.
 */

export const HANDS = ['R', 'L'] as const;
export type Hand = (typeof HANDS)[number];

export const CATEGORIES = ['roll', 'diddle', 'flam', 'drag'] as const;
export type Category = (typeof CATEGORIES)[number];

/** SOUSA's stroke-type labels (strokes.parquet `stroke_type`). */
export const STROKE_TYPES = ['tap', 'accent', 'grace', 'diddle', 'buzz'] as const;
export type StrokeType = (typeof STROKE_TYPES)[number];

/** Ornament attached to a primary: none, a flam (1 grace) or a drag (2 graces, same hand). */
export const ORNAMENTS = ['none', 'flam', 'drag'] as const;
export type Ornament = (typeof ORNAMENTS)[number];

/** One primary stroke of a right-lead cycle. */
export interface PrimaryStroke {
  /** Position in beats from the cycle start, exact (e.g. 1/6 as 0.1666…); `positionText` keeps the fraction. */
  readonly positionBeats: number;
  /** The position as written in the data file, e.g. "5/8". */
  readonly positionText: string;
  readonly hand: Hand;
  readonly accent: boolean;
  /** 1 or 2 for the first/second stroke of a same-hand double, else null. */
  readonly diddle: 1 | 2 | null;
  /** Multiple-bounce (buzz) primary: its bounces are generated, not listed. */
  readonly buzz: boolean;
  /** Grace notes attached to this primary, played by the other hand. */
  readonly ornament: Ornament;
}

export interface Rudiment {
  /** SOUSA slug with underscores, e.g. `single_paradiddle`. */
  readonly slug: string;
  /** Other accepted names (hyphenated forms, SOUSAphone slugs). */
  readonly aliases: readonly string[];
  readonly name: string;
  /** PAS International Drum Rudiment number, 1..40. */
  readonly pasNumber: number;
  readonly category: Category;
  /** Human description of the grid (e.g. "sextuplet + quarter"). */
  readonly grid: string;
  /** Cycle length in beats (where the next cycle starts). */
  readonly cycleBeats: number;
  /** Whether each following cycle swaps hands (period = 2 cycles). */
  readonly mirror: boolean;
  /** Playable tempo range, quarter-note BPM, inclusive. */
  readonly tempoRangeBpm: readonly [number, number];
  /** Primary strokes of one right-lead cycle, sorted by position. */
  readonly strokes: readonly PrimaryStroke[];
}

/**
 * One primary stroke of an expanded pattern (several cycles, lead hand and mirroring applied).
 * Produced by `expandPattern` in `./expand.ts`; grace notes are still implicit in `ornament`
 * (played by the opposite hand of `hand`).
 */
export interface PatternStroke {
  /** 0-based cycle this stroke belongs to. */
  readonly cycleIndex: number;
  /** Absolute position in beats from the start of cycle 0. */
  readonly beat: number;
  readonly hand: Hand;
  readonly accent: boolean;
  readonly diddle: 1 | 2 | null;
  readonly buzz: boolean;
  readonly ornament: Ornament;
}
