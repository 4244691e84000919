/**
 * Loads libfluidsynth 2.4.6 (Emscripten build shipped by js-synthesizer as its own file, so the
 * LGPL-2.1 part stays separate and replaceable) and js-synthesizer 1.13, once per realm.
 *
 * - Node and Deno: both packages are imported from node_modules (the only specifiers that work,
 *   wasm-stack.md §1: the externals file by its full path, js-synthesizer's UMD `default`).
 * - Browser module workers: the Emscripten glue sets `module.exports` only under Node, so a bundled
 *   import of it is empty. The app passes the glue's text or URL (e.g. from Vite's `?url`), and it is
 *   evaluated with `new Function`, which needs CSP `unsafe-eval`; a classic worker can instead
 *   `importScripts` it and pass the resulting `Module` as `module`.
 *
 * The first successful call wins: js-synthesizer keeps the module in a global, so later calls get
 * the same runtime whatever source they pass. A failed load is forgotten so a later call can retry.
 */
import type { Synthesizer } from 'js-synthesizer';
import { WasmError } from '../errors.js';
import { CAPS } from './capabilities.js';

/** Where libfluidsynth comes from when the host has no node_modules (browsers). */
export interface FluidSynthSource {
  /** An already evaluated libfluidsynth Emscripten `Module` (e.g. from `importScripts` in a classic worker). */
  module?: unknown;
  /** The text of `js-synthesizer/externals/libfluidsynth-2.4.6.js`, evaluated with `new Function`. */
  scriptText?: string;
  /** URL of `libfluidsynth-2.4.6.js`; fetched, then evaluated like `scriptText`. */
  scriptUrl?: string | URL;
}

/** The raw libfluidsynth exports the renderer calls directly (pointers are wasm heap offsets). */
export interface FluidSynthModule {
  _fluid_synth_get_sfont_by_id(synth: number, id: number): number;
  _fluid_synth_add_sfont(synth: number, sfont: number): number;
  _fluid_synth_remove_sfont(synth: number, sfont: number): number;
  _fluid_synth_get_active_voice_count(synth: number): number;
  _fluid_sfont_get_preset(sfont: number, bank: number, program: number): number;
}

/** The part of js-synthesizer's namespace we use (UMD object in Node, ESM namespace under Vite). */
export interface JsSynthesizerApi {
  Synthesizer: { new (): Synthesizer; initializeWithFluidSynthModule(mod: unknown): void };
  waitForReady(): Promise<void>;
  disableLogging(level?: number | null): void;
}

/** An initialised FluidSynth runtime. */
export interface FluidSynthRuntime {
  /** js-synthesizer, initialised with `fluid`. */
  readonly api: JsSynthesizerApi;
  /** The libfluidsynth Emscripten module. */
  readonly fluid: FluidSynthModule;
}

/** Specifier of the SF2-only libfluidsynth build (572 KB; the libsndfile build adds only SF3). */
export const LIBFLUIDSYNTH_SPECIFIER = 'js-synthesizer/externals/libfluidsynth-2.4.6.js';

let pending: Promise<FluidSynthRuntime> | undefined;

/**
 * Loads (once) and returns the FluidSynth runtime. In a browser, pass `source` on the first call.
 * Rejects with {@link WasmError}.
 */
export function loadFluidSynth(source?: FluidSynthSource): Promise<FluidSynthRuntime> {
  if (pending === undefined) {
    const attempt = load(source);
    pending = attempt;
    attempt.catch(() => {
      if (pending === attempt) pending = undefined;
    });
  }
  return pending;
}

async function load(source: FluidSynthSource | undefined): Promise<FluidSynthRuntime> {
  let fluid: unknown;
  try {
    fluid = await emscriptenModule(source);
  } catch (err) {
    if (err instanceof WasmError) throw err;
    throw new WasmError('FLUIDSYNTH_LOAD_FAILED', `could not load libfluidsynth: ${message(err)}`, { cause: err });
  }
  if (typeof fluid !== 'object' || fluid === null || typeof (fluid as FluidSynthModule)._fluid_synth_add_sfont !== 'function') {
    // The Node build's exports are filled by Emscripten before the runtime is ready, so a missing
    // function means a wrong file rather than a slow start.
    throw new WasmError(
      'FLUIDSYNTH_LOAD_FAILED',
      `expected the libfluidsynth Emscripten module (with _fluid_synth_add_sfont), got ${describe(fluid)} (from ${sourceName(source)})`,
    );
  }
  let api: JsSynthesizerApi;
  try {
    const ns = (await import('js-synthesizer')) as unknown as { default?: JsSynthesizerApi } & JsSynthesizerApi;
    // Node gives the UMD object on `default`; Vite resolves the package's ESM build (named exports).
    api = ns.default ?? ns;
    api.Synthesizer.initializeWithFluidSynthModule(fluid);
    await api.waitForReady();
    // The SF2-only build logs "fluid_file_test is a stub" on every load.
    api.disableLogging();
  } catch (err) {
    throw new WasmError('FLUIDSYNTH_LOAD_FAILED', `could not initialise js-synthesizer: ${message(err)}`, { cause: err });
  }
  return Object.freeze({ api, fluid: fluid as FluidSynthModule });
}

async function emscriptenModule(source: FluidSynthSource | undefined): Promise<unknown> {
  if (source?.module !== undefined) return source.module;
  if (source?.scriptText !== undefined) return evaluateGlue(source.scriptText);
  if (source?.scriptUrl !== undefined) {
    const res = await fetch(String(source.scriptUrl));
    if (!res.ok) throw new WasmError('FLUIDSYNTH_LOAD_FAILED', `could not fetch ${String(source.scriptUrl)}: HTTP ${res.status}`);
    return evaluateGlue(await res.text());
  }
  if (!CAPS.hasFs) {
    throw new WasmError(
      'FLUIDSYNTH_SOURCE_MISSING',
      `expected a libfluidsynth source in this host (no node_modules), got none: call loadFluidSynth({ scriptUrl }) ` +
        `with the URL of ${LIBFLUIDSYNTH_SPECIFIER} before creating a renderer`,
    );
  }
  // A variable specifier keeps bundlers from pulling the 572 KB glue into browser bundles, where
  // it cannot run as a module anyway.
  const specifier: string = LIBFLUIDSYNTH_SPECIFIER;
  const mod = (await import(/* @vite-ignore */ specifier)) as { default?: unknown };
  return mod.default ?? mod;
}

function evaluateGlue(text: string): unknown {
  // The glue declares `var Module` at its top level; returning it hands over the instance.
  return new Function(`${text}\nreturn Module;`)() as unknown;
}

function sourceName(source: FluidSynthSource | undefined): string {
  if (source?.module !== undefined) return 'the given module';
  if (source?.scriptText !== undefined) return 'the given script text';
  if (source?.scriptUrl !== undefined) return String(source.scriptUrl);
  return LIBFLUIDSYNTH_SPECIFIER;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const keys = Object.keys(value).slice(0, 5);
  return `an object with keys [${keys.join(', ')}${keys.length === 5 ? ', ...' : ''}]`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
