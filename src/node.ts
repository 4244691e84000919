/** File-system helpers for Node and Deno (`sousa-wasm/node`). */
export { NodeDatasetIO } from './platform/node-io.js';
export { main as runCli } from './cli/main.js';
export { NodeDatasetReader } from './platform/node-reader.js';
export { createNodePool } from './platform/node-pool.js';
export { readSoundfontPaths } from './platform/soundfont-files.js';
