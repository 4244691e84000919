/**
 * sousa-wasm: synthetic drum-rudiment datasets and rudiment analysis, isomorphic (Node, Deno,
 * browser workers). This entry point has no `node:*` imports; file-system helpers live in
 * `sousa-wasm/node`.
 */
export * from './errors.js';
export { VERSION } from './version.js';
export * from './random/index.js';
export * from './rudiments/types.js';
export * from './rudiments/index.js';
export * from './rudiments/expand.js';
export * from './profiles/types.js';
export * from './profiles/index.js';
export * from './performance/types.js';
export * from './performance/index.js';
export * from './labels/index.js';
export * from './dataset/columns.js';
export * from './dataset/schema.js';
export * from './dataset/splits.js';
export * from './dataset/plan.js';
export * from './dataset/parquet.js';
export * from './dataset/generate.js';
export * from './dataset/engine.js';
export * from './validate/index.js';
export * as hub from './hub/index.js';
export * as augment from './augment/index.js';
export * from './synth/soundfonts.js';
export { createRenderer, DEFAULT_RENDERER_OPTIONS } from './synth/renderer.js';
export type { Renderer, RendererOptions, RenderNote, RenderOptions, RenderedAudio } from './synth/renderer.js';
export { encodeFlac, encodeFlacAt, decodeFlac, readFlacStreamInfo } from './audio/flac.js';
export { parseSf2Summary } from './synth/sf2.js';
export { MemoryDatasetIO } from './platform/memory-io.js';
export { loadParquetWasm } from './platform/parquet.js';
export { CAPS } from './platform/capabilities.js';
