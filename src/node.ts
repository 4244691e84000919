/** File-system helpers for Node and Deno (`sousa-wasm/node`). */
export { NodeDatasetIO } from './platform/node-io.js';
export { main as runCli } from './cli/main.js';
