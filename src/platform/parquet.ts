/**
 * Loads parquet-wasm once per realm, the same way in Node, Deno and browsers: always the `esm`
 * build (so every runtime runs the same wasm and writes the same bytes), initialised from the
 * file system where there is one and by URL fetch elsewhere.
 */
import * as parquet from 'parquet-wasm/esm';
import { WasmError } from '../errors.js';
import { CAPS } from './capabilities.js';

export type ParquetWasm = typeof parquet;

let ready: Promise<ParquetWasm> | null = null;

/** Initialise parquet-wasm (memoised). `source` overrides where the .wasm comes from. */
export function loadParquetWasm(source?: URL | string | ArrayBufferView | WebAssembly.Module): Promise<ParquetWasm> {
  if (ready && source === undefined) return ready;
  const p = (async () => {
    try {
      if (source !== undefined) {
        await parquet.default({ module_or_path: source as never });
      } else if (CAPS.hasFs) {
        const { readFile } = await import('node:fs/promises');
        const { createRequire } = await import('node:module');
        const req = createRequire(import.meta.url);
        const path = req.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm');
        await parquet.default({ module_or_path: await readFile(path) });
      } else {
        await parquet.default();
      }
      return parquet;
    } catch (cause) {
      ready = null;
      throw new WasmError('WASM_LOAD_FAILED', `parquet-wasm could not be initialised: ${String(cause)}`, { cause });
    }
  })();
  if (source === undefined) ready = p;
  return p;
}
