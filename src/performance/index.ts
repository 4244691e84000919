/** Performances and their MIDI files: (rudiment, player profile, tempo) → strokes → SMF bytes. See README.md. */
export * from './types.js';
export {
  DEFAULT_PERFORMANCE_OPTIONS,
  DEFAULT_VELOCITY_RATIOS,
  PERFORMANCE_INVALID,
  generatePerformance,
} from './generate.js';
export type { PerformanceInput, PerformanceOptions, VelocityRatios } from './generate.js';
export {
  DEFAULT_ARTICULATION_OPTIONS,
  drawDiddleRatio,
  drawDragGapsMs,
  drawFlamSpacingMs,
  fitGraceGaps,
  planBuzzBounces,
  rollDecayFactor,
} from './articulations.js';
export type { ArticulationOptions, BuzzPlan } from './articulations.js';
export {
  DEFAULT_MIDI_OPTIONS,
  MIDI_INVALID,
  parseMidiFile,
  performanceToMidi,
  readMidiNotes,
  strokeTicks,
} from './midi.js';
export type { MidiEvent, MidiFileInfo, MidiNote, MidiOptions } from './midi.js';
