/**
 * Labels: stroke, measure (pattern cycle) and exercise tables of a performance, SOUSA's schema
 * in camelCase. Pure functions of the `Performance`; see ./README.md for formulas changed vs SOUSA.
 */
export { strokeLabels, isPrimary, isTimed, type StrokeLabel } from './strokes.js';
export { measureLabels, type MeasureLabel } from './measures.js';
export {
  exerciseScores,
  timingAccuracySigmoid,
  timingConsistencySigmoid,
  flamSpacingScore,
  diddleRatioScore,
  OVERALL_WEIGHTS,
  TIER_SCORE_STATS,
  FLAM_SPACING_SCORE,
  type ExerciseScores,
} from './scores.js';
