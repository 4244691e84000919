/** Publishing a generated dataset to the Hugging Face Hub (see README.md in this folder). */
export { parseRepoId, type RepoId } from './repo-id.js';
export { retryingFetch, parseRetryAfter, DEFAULT_RETRY_OPTIONS, type RetryOptions, type RetryEvent } from './retry.js';
export { sha256Bytes, gitBlobSha1, type HubFileIO } from './io.js';
export { loadDatasetForPublish, type DatasetSnapshot, type CheckResult } from './dataset.js';
export { configSpecs, huggingfaceMetadata, HUB_CONFIG_NAMES, PREVIEW_SPLIT, type HubConfigName, type OutColumn } from './configs.js';
export { selectPreview } from './preview.js';
export { planShards, shardPath, writeShard, type PlannedShard } from './shards.js';
export { buildDatasetCard, cardMetadata, generateCommand, sizeCategory, type BuiltConfig } from './card.js';
export {
  stageDataset,
  stageDatasetIter,
  DEFAULT_STAGE_OPTIONS,
  STAGING_RECORD,
  type StageOptions,
  type StageEvent,
  type StagedFile,
  type StagingResult,
} from './stage.js';
export {
  uploadStaging,
  uploadStagingIter,
  checkHubAccess,
  groupCommits,
  DEFAULT_HUB_URL,
  DEFAULT_UPLOAD_OPTIONS,
  MANAGED_PREFIXES,
  type UploadOptions,
  type UploadEvent,
  type UploadSummary,
} from './upload.js';
