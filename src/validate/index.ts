/** Validation and statistics of generated datasets (see README.md). */
export * from './types.js';
export { validateDataset, validateDatasetIter } from './validate.js';
export { MemoryDatasetReader } from './reader.js';
export { formatSummary, reportToJson, DEFAULT_SUMMARY_OPTIONS } from './report.js';
export type { ReportContext, SummaryOptions } from './report.js';
export { renderHtmlReport } from './html.js';
export { datasetOverview, formatOverviewMarkdown, formatOverviewText } from './overview.js';
export type { DatasetOverview } from './overview.js';
export {
  EXPECTED_CORRELATIONS,
  TEMPO_DRIFT_MAX_PCT,
  TIMING_SD_RANGES_MS,
  TIER_SCORES,
  VELOCITY_CV_RANGES,
} from './statistics.js';
export {
  boxStats,
  chiSquareSurvival,
  fCdf,
  fSurvival,
  lnGamma,
  oneWayAnova,
  pearson,
  regularizedGammaQ,
  regularizedIncompleteBeta,
} from './stats.js';
export type { AnovaResult } from './stats.js';
export { detectEnergyOnsets, matchLabelOnsets, DEFAULT_ENERGY_ONSET_OPTIONS } from './onsets.js';
export type { EnergyOnsetOptions, LabelOnsetMatch } from './onsets.js';
export { parseStreamInfo, pcmMd5, Md5 } from './audio.js';
export type { StreamInfo } from './audio.js';
