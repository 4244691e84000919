/**
 * From one right-lead cycle to a played pattern: repeat the cycle, apply the lead hand and, for
 * rudiments that mirror, swap hands on every odd cycle (shared/reference/rudiments.md §1.7).
 * Grace notes stay implicit in `ornament`; their timing belongs to the performance stage.
 */

import { RudimentError } from '../errors.js';
import type { Hand, PatternStroke, Rudiment } from './types.js';

/** Primary and grace strokes in one cycle; buzz bounces are not counted (they are indeterminate). */
export interface StrokeCounts {
  readonly primaries: number;
  readonly graces: number;
  readonly total: number;
}

/** Grace notes each ornament adds to its primary. */
const GRACES_PER_ORNAMENT = { none: 0, flam: 1, drag: 2 } as const;

function otherHand(hand: Hand): Hand {
  return hand === 'R' ? 'L' : 'R';
}

/**
 * Primary strokes of `numCycles` consecutive cycles, in time order.
 * Absolute beat = cycleIndex × cycleBeats + position. A left lead swaps every hand; a rudiment with
 * `mirror: true` additionally swaps hands on odd cycles, so cycle 1 answers cycle 0 with the other hand.
 * Throws {@link RudimentError} if `numCycles` is not a non-negative integer.
 */
export function expandPattern(rudiment: Rudiment, numCycles: number, leadHand: Hand): PatternStroke[] {
  if (!Number.isSafeInteger(numCycles) || numCycles < 0) {
    throw new RudimentError(
      'RUDIMENT_ARGUMENT',
      `numCycles must be a non-negative integer, got ${String(numCycles)} (expandPattern of ${rudiment.slug})`,
    );
  }
  if (leadHand !== 'R' && leadHand !== 'L') {
    throw new RudimentError(
      'RUDIMENT_ARGUMENT',
      `leadHand must be R or L, got ${JSON.stringify(leadHand)} (expandPattern of ${rudiment.slug})`,
    );
  }
  const out: PatternStroke[] = [];
  for (let cycleIndex = 0; cycleIndex < numCycles; cycleIndex++) {
    const swap = (leadHand === 'L') !== (rudiment.mirror && cycleIndex % 2 === 1);
    const start = cycleIndex * rudiment.cycleBeats;
    for (const s of rudiment.strokes) {
      out.push({
        cycleIndex,
        beat: start + s.positionBeats,
        hand: swap ? otherHand(s.hand) : s.hand,
        accent: s.accent,
        diddle: s.diddle,
        buzz: s.buzz,
        ornament: s.ornament,
      });
    }
  }
  return out;
}

/** Strokes per cycle: primaries, graces (flam 1, drag 2) and their sum. */
export function strokesPerCycle(rudiment: Rudiment): StrokeCounts {
  let graces = 0;
  for (const s of rudiment.strokes) graces += GRACES_PER_ORNAMENT[s.ornament];
  const primaries = rudiment.strokes.length;
  return { primaries, graces, total: primaries + graces };
}
