/**
 * Data model of a validation run: the reader it reads through, the options, and the report it
 * produces (named check results with every number they were decided on).
 */

/**
 * Read-only access to a dataset root. Paths are relative and `/`-separated. The validator never
 * writes; the platform layer supplies the implementation (`src/platform/node-reader.ts`, or
 * {@link MemoryDatasetReader} for browsers and tests).
 */
export interface DatasetReader {
  /** A file's bytes, or null if it does not exist. */
  readFile(path: string): Promise<Uint8Array | null>;
  /** Names of the entries of a directory (files and sub-directories), sorted; empty if it does not exist. */
  list(dir: string): Promise<string[]>;
}

export const CHECK_STATUSES = ['pass', 'warn', 'fail', 'skip'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** Groups shown as sections of the console and HTML reports. */
export const CHECK_GROUPS = ['integrity', 'labels', 'files', 'audio', 'statistics', 'balance'] as const;
export type CheckGroup = (typeof CHECK_GROUPS)[number];

export interface CheckResult {
  /** Stable snake_case id, e.g. `midi_labels`; tests and scripts match on it. */
  id: string;
  group: CheckGroup;
  /** One-line human title. */
  title: string;
  status: CheckStatus;
  /** What was found: on failure, what was expected, what came and where. */
  message: string;
  /** Every number the verdict rests on (counts, rates, statistics, thresholds). */
  numbers: Record<string, number | null>;
  /** Up to `maxDetails` examples of problems (sample id, row, file). */
  details: string[];
}

/** Five-number summary plus mean (what a box plot draws). */
export interface BoxStats {
  n: number;
  mean: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/** A histogram with fixed bins `[lo + i·width, lo + (i+1)·width)`; values outside go to the under/over counts. */
export interface HistogramData {
  lo: number;
  width: number;
  counts: number[];
  under: number;
  over: number;
}

/** What the report plots and the `stats` overview prints, gathered while validating. */
export interface DatasetFigures {
  samples: number;
  strokes: number;
  measures: number;
  profiles: number;
  /** Samples per tier, in tier order. */
  samplesPerTier: Record<string, number>;
  profilesPerTier: Record<string, number>;
  samplesPerRudiment: Record<string, number>;
  samplesPerSplit: Record<string, number>;
  samplesPerPreset: Record<string, number>;
  samplesPerSoundfont: Record<string, number>;
  samplesPerTempoBand: Record<string, number>;
  /** Tempo histogram, 10 BPM bins. */
  tempoHistogram: HistogramData;
  /** Score → tier → box statistics (nulls excluded). */
  scoreBoxes: Record<string, Record<string, BoxStats>>;
  /** Tier → histogram of stroke timing errors (ms) of primary strokes. */
  timingErrorHistograms: Record<string, HistogramData>;
  /** Tier → box statistics of primary-stroke timing errors (from the histogram; ±bin width). */
  timingErrorBoxes: Record<string, BoxStats>;
}

export interface ValidationReport {
  /** Version of sousa-wasm that validated. */
  validatorVersion: string;
  /** true when no check failed (warnings and skips do not fail a dataset). */
  passed: boolean;
  counts: Record<CheckStatus, number>;
  checks: CheckResult[];
  figures: DatasetFigures;
  /** Wall-clock time of the run, ms. */
  elapsedMs: number;
}

export interface ValidateOptions {
  /** Seed of the draws that choose the audio files for onset alignment. Default 42. */
  seed: number;
  /** Audio files decoded and checked for FLAC integrity and levels; `Infinity` = all. Default Infinity. */
  flacFiles: number;
  /** Audio files (seeded choice) checked for onset alignment with their labels. Default 24. */
  onsetFiles: number;
  /** A label onset counts as found when a detected onset lies within this distance, ms. Default 5. */
  onsetToleranceMs: number;
  /** Share of checkable label onsets that must be found for the alignment check to pass. Default 0.9. */
  onsetMinMatchRate: number;
  /** Samples a tier needs before per-tier statistics are computed (else: skip with the reason). Default 50. */
  minSamplesPerTier: number;
  /** Tier-ordering tolerance: a higher tier's mean may fall below the lower tier's by this much. Default 2. */
  tierOrderToleranceScore: number;
  /** Significance level of the tier-separation ANOVA. Default 0.05. */
  anovaAlpha: number;
  /** Largest / smallest group count above which a balance check warns. Default 1.5. */
  imbalanceRatio: number;
  /** Turn warnings (literature ranges, correlations, balance) into failures. Default false. */
  strict: boolean;
  /** Examples of problems kept per check. Default 10. */
  maxDetails: number;
  /** Checked between samples; aborting rejects with the signal's reason. */
  signal?: AbortSignal;
}

export const DEFAULT_VALIDATE_OPTIONS: Readonly<ValidateOptions> = Object.freeze({
  seed: 42,
  flacFiles: Number.POSITIVE_INFINITY,
  onsetFiles: 24,
  onsetToleranceMs: 5,
  onsetMinMatchRate: 0.9,
  minSamplesPerTier: 50,
  tierOrderToleranceScore: 2,
  anovaAlpha: 0.05,
  imbalanceRatio: 1.5,
  strict: false,
  maxDetails: 10,
});

/** Progress of a validation run (the CLI prints these; a web page can show a progress bar). */
export type ValidateEvent =
  | { type: 'stage'; stage: string }
  | { type: 'progress'; stage: string; done: number; total: number }
  | { type: 'check'; result: CheckResult };
