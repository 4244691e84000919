/**
 * Loads libflacjs 5.6.0 (libFLAC in Emscripten, `min.wasm` variant: the default asm.js build is
 * about 4x slower) once per realm, and, on demand, the optional FLAC decoder.
 *
 * Two workarounds for its old Emscripten glue (wasm-stack.md §2, §5):
 * - It calls `fetch(<absolute file path>)` when a global `fetch` exists, which fails in Node 18+
 *   and Deno with an uncaught rejection. `fetch` is hidden while the glue runs synchronously, so
 *   it reads the .wasm with `fs` instead.
 * - Its UMD wrapper calls `module.require` unbound, which Deno's CommonJS shim rejects ("reading
 *   'filename'"). `Module.prototype.require` is wrapped for the duration of the load so an unbound
 *   call falls back to a `require` made here; bound calls are unchanged.
 *
 * Browsers: the app passes the URLs of `libflacjs/dist/libflac.min.wasm.js` and of its
 * `libflac.min.wasm.wasm` (e.g. from Vite's `?url`). The glue is evaluated with `new Function`
 * (CSP `unsafe-eval`) and finds the .wasm through the `FLAC_SCRIPT_LOCATION` map it reads from the
 * global scope; it also wraps the global `fetch` with a fallback to XHR, which is harmless.
 */
import type { Flac } from 'libflacjs';
import { AudioCodecError, WasmError } from '../errors.js';
import { CAPS } from './capabilities.js';

export type { Flac as LibFlac } from 'libflacjs';

/** Where libflacjs comes from when the host has no node_modules (browsers). */
export interface LibFlacSource {
  /** URL of `libflacjs/dist/libflac.min.wasm.js`. */
  scriptUrl: string | URL;
  /** URL of `libflacjs/dist/libflac.min.wasm.wasm`. */
  wasmUrl: string | URL;
}

/** File name the `min.wasm` glue asks `locateFile` for. */
const WASM_FILE = 'libflac.min.wasm.wasm';

let pendingEncoder: Promise<Flac> | undefined;

/**
 * Loads (once) and returns libflacjs, ready to use. In a browser, pass `source` on the first call.
 * The first successful call wins; a failed load is forgotten. Rejects with {@link WasmError}.
 */
export function loadLibFlac(source?: LibFlacSource): Promise<Flac> {
  if (pendingEncoder === undefined) {
    const attempt = loadFlac(source);
    pendingEncoder = attempt;
    attempt.catch(() => {
      if (pendingEncoder === attempt) pendingEncoder = undefined;
    });
  }
  return pendingEncoder;
}

async function loadFlac(source: LibFlacSource | undefined): Promise<Flac> {
  let flac: Flac;
  try {
    flac = source !== undefined ? await fromUrls(source) : await fromNodeModules();
  } catch (err) {
    if (err instanceof WasmError) throw err;
    throw new WasmError('LIBFLAC_LOAD_FAILED', `could not load libflacjs (min.wasm): ${message(err)}`, { cause: err });
  }
  if (!flac.isReady()) await new Promise<void>((resolve) => flac.on('ready', () => resolve()));
  return flac;
}

async function fromNodeModules(): Promise<Flac> {
  if (!CAPS.hasFs) {
    throw new WasmError(
      'LIBFLAC_SOURCE_MISSING',
      'expected libflacjs URLs in this host (no node_modules), got none: call loadLibFlac({ scriptUrl, wasmUrl }) ' +
        'with the URLs of libflacjs/dist/libflac.min.wasm.js and libflac.min.wasm.wasm before encoding',
    );
  }
  const nodeModule = await import('node:module');
  const require = nodeModule.createRequire(import.meta.url);
  const proto = nodeModule.default.prototype as { require: (this: unknown, id: string) => unknown };
  const originalRequire = proto.require;
  proto.require = function (this: unknown, id: string): unknown {
    return this ? originalRequire.call(this, id) : require(id);
  };
  const g = globalThis as { fetch?: unknown };
  const hasOwnFetch = Object.prototype.hasOwnProperty.call(g, 'fetch');
  const savedFetch = g.fetch;
  try {
    delete g.fetch;
    const factory = require('libflacjs') as (variant: string) => Flac;
    // Instantiation starts synchronously inside the factory and has decided against fetch by the
    // time it returns; the rest (reading the .wasm, compiling) does not look at fetch again.
    return factory('min.wasm');
  } finally {
    if (hasOwnFetch) g.fetch = savedFetch;
    proto.require = originalRequire;
  }
}

async function fromUrls(source: LibFlacSource): Promise<Flac> {
  const res = await fetch(String(source.scriptUrl));
  if (!res.ok) throw new WasmError('LIBFLAC_LOAD_FAILED', `could not fetch ${String(source.scriptUrl)}: HTTP ${res.status}`);
  const text = await res.text();
  const g = globalThis as { FLAC_SCRIPT_LOCATION?: unknown; Flac?: unknown };
  // The glue's locateFile looks the file name up in this map before falling back to a directory.
  g.FLAC_SCRIPT_LOCATION = { [WASM_FILE]: String(source.wasmUrl) };
  // Without `module` or `define` in scope, the UMD wrapper assigns `self.Flac`.
  new Function(text)();
  const flac = g.Flac as Flac | undefined;
  if (flac === undefined || typeof flac.create_libflac_encoder !== 'function') {
    throw new WasmError('LIBFLAC_LOAD_FAILED', `expected ${String(source.scriptUrl)} to define the global Flac, got ${typeof flac}`);
  }
  return flac;
}

/** The @wasm-audio-decoders/flac decoder class (only the part we use). */
export interface FlacDecoderInstance {
  ready: Promise<void>;
  decodeFile(data: Uint8Array): Promise<{
    channelData: Float32Array[];
    samplesDecoded: number;
    sampleRate: number;
    bitDepth: number;
    errors: { message: string }[];
  }>;
  free(): void;
}

let pendingDecoder: Promise<new () => FlacDecoderInstance> | undefined;

/**
 * Imports the FLAC decoder of the optional package `@wasm-audio-decoders/flac` (a dev dependency:
 * the generator never decodes; tests and analysis of uploaded files do). Rejects with
 * {@link AudioCodecError} saying how to install it when it is missing.
 */
export function loadFlacDecoder(): Promise<new () => FlacDecoderInstance> {
  if (pendingDecoder === undefined) {
    const attempt = (async () => {
      try {
        // A variable specifier: bundlers must not fail on this optional package when it is absent.
        const specifier: string = '@wasm-audio-decoders/flac';
        const mod = (await import(/* @vite-ignore */ specifier)) as { FLACDecoder: new () => FlacDecoderInstance };
        return mod.FLACDecoder;
      } catch (err) {
        throw new AudioCodecError(
          'FLAC_DECODER_MISSING',
          `decoding FLAC needs the optional package @wasm-audio-decoders/flac (npm i @wasm-audio-decoders/flac@0.2.11): ${message(err)}`,
          { cause: err },
        );
      }
    })();
    pendingDecoder = attempt;
    attempt.catch(() => {
      if (pendingDecoder === attempt) pendingDecoder = undefined;
    });
  }
  return pendingDecoder;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
