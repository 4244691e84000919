/**
 * The one WebAssembly loader. Compiles each `.wasm` once (memoised by URL), from a `file:` URL
 * through the file system or from `http(s):`/`blob:`/`data:` through `compileStreaming`, and accepts
 * a ready `WebAssembly.Module` so a worker can instantiate what the main thread compiled.
 * No top-level await, no `import x from './k.wasm'`; the AssemblyScript build emits no bindings.
 *
 * Memory rule for callers: `memory.buffer` is replaced whenever the module grows its memory
 * (`alloc` can), so make typed-array views with `f32()`/`f64()`/`u8()` right before use and do not
 * keep them across a call that may allocate.
 */
import { WasmError } from '../errors.js';
import { CAPS } from './capabilities.js';
import { AUGMENT_EXPORT_NAMES, type AugmentExports } from '../augment/wasm-exports.js';

/** Where a module comes from: a URL (or URL string / file path), compiled bytes, or a ready module. */
export type WasmSource = URL | string | WebAssembly.Module | ArrayBufferView | ArrayBuffer;

/** Location of the package's kernels: `wasm/sousa.wasm` next to `dist/` (and next to `src/`). */
export function defaultWasmUrl(): URL {
  // This file sits at src/platform/ and compiles to dist/platform/: both are two levels below
  // the package root. The literal `new URL(..., import.meta.url)` form also lets bundlers see it.
  return new URL('../../wasm/sousa.wasm', import.meta.url);
}

const moduleCache = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Compiles (once per URL) and returns the module at `source` (default: {@link defaultWasmUrl}).
 * Concurrent and repeated calls for the same URL share one compilation; a failed load is forgotten
 * so a later call can retry. A string that is not an absolute URL is a file path (hosts with a file
 * system) or relative to the page. Rejects with {@link WasmError}.
 */
export function loadWasmModule(source?: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  // Bytes are compiled on every call: they carry no stable identity to memoise on.
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return compileBytes(toBytes(source), 'the given bytes');
  let url: URL;
  try {
    url = source === undefined ? defaultWasmUrl() : toUrl(source);
  } catch (err) {
    return Promise.reject(err);
  }
  const href = url.href;
  let pending = moduleCache.get(href);
  if (pending === undefined) {
    pending = compileUrl(url);
    moduleCache.set(href, pending);
    pending.catch(() => {
      if (moduleCache.get(href) === pending) moduleCache.delete(href);
    });
  }
  return pending;
}

function toBytes(source: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
}

const WINDOWS_DRIVE = /^[a-zA-Z]:[\\/]/;

function toUrl(source: URL | string): URL {
  if (source instanceof URL) return source;
  if (!WINDOWS_DRIVE.test(source)) {
    try {
      return new URL(source);
    } catch {
      // not absolute: a path or a relative URL, resolved below
    }
  }
  if (CAPS.hasFs) return fileUrlFromPath(source);
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  if (base !== undefined) return new URL(source, base);
  throw new WasmError(
    'WASM_BAD_SOURCE',
    `expected an absolute URL or a WebAssembly.Module for the wasm source, got the relative "${source}" ` +
      'in a host without a file system or a page location',
  );
}

interface NodePathLike {
  resolve(...parts: string[]): string;
}
interface NodeUrlLike {
  pathToFileURL(path: string): URL;
}

function fileUrlFromPath(path: string): URL {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const nodeUrl = proc?.getBuiltinModule?.('node:url') as NodeUrlLike | undefined;
  const nodePath = proc?.getBuiltinModule?.('node:path') as NodePathLike | undefined;
  if (nodeUrl === undefined || nodePath === undefined) {
    throw new WasmError(
      'WASM_BAD_SOURCE',
      `expected a URL for the wasm source, got the path "${path}" and this host cannot resolve paths ` +
        '(pass a file: URL instead)',
    );
  }
  return nodeUrl.pathToFileURL(nodePath.resolve(path));
}

function isDefaultUrl(url: URL): boolean {
  return url.href === defaultWasmUrl().href;
}

async function compileUrl(url: URL): Promise<WebAssembly.Module> {
  if (url.protocol === 'file:' && CAPS.hasFs) return compileBytes(await readFileUrl(url), url.href);
  return compileFetched(url);
}

// A variable specifier keeps browser bundlers from trying to resolve a Node built-in.
const FS_PROMISES = 'node:fs/promises';

async function readFileUrl(url: URL): Promise<Uint8Array> {
  const fs = (await import(/* @vite-ignore */ FS_PROMISES)) as typeof import('node:fs/promises');
  try {
    return await fs.readFile(url);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT') {
      const fix = isDefaultUrl(url) ? 'run `npm run build:wasm`' : 'check the path';
      throw new WasmError('WASM_NOT_FOUND', `expected a .wasm file at ${url.href}, found none: ${fix}`, {
        cause: err,
      });
    }
    throw new WasmError('WASM_READ', `could not read ${url.href}: ${String(err)}`, { cause: err });
  }
}

async function compileFetched(url: URL): Promise<WebAssembly.Module> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new WasmError('WASM_FETCH', `could not fetch ${url.href}: ${String(err)}`, { cause: err });
  }
  if (!res.ok) {
    const fix = isDefaultUrl(url) ? ' (run `npm run build:wasm`, or serve the package\'s wasm/ folder)' : '';
    throw new WasmError('WASM_NOT_FOUND', `expected HTTP 200 for ${url.href}, got ${res.status}${fix}`);
  }
  if (typeof WebAssembly.compileStreaming === 'function') {
    // compileStreaming consumes the body and rejects with TypeError when the server does not
    // send `application/wasm`; keep a clone to fall back to compiling the bytes.
    const spare = res.clone();
    try {
      return await WebAssembly.compileStreaming(res);
    } catch (err) {
      if (!(err instanceof TypeError)) throw compileFailure(url.href, err);
      return compileBytes(new Uint8Array(await spare.arrayBuffer()), url.href);
    }
  }
  return compileBytes(new Uint8Array(await res.arrayBuffer()), url.href);
}

async function compileBytes(bytes: Uint8Array, where: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    throw compileFailure(where, err);
  }
}

function compileFailure(where: string, err: unknown): WasmError {
  const simd = CAPS.hasWasmSimd ? '' : ' (this engine lacks WebAssembly SIMD, which sousa.wasm needs)';
  const message = err instanceof Error ? err.message : String(err);
  return new WasmError('WASM_COMPILE', `expected a valid WebAssembly module from ${where}, compiling failed: ${message}${simd}`, {
    cause: err,
  });
}

/**
 * Raw exports of wasm/sousa.wasm (see assembly/). Pointers and sizes are `usize` (i32): values
 * coming back are signed, so use `>>> 0` on pointers and u32 results. `u64` travels as `bigint`.
 */
export interface SousaExports extends AugmentExports {
  readonly memory: WebAssembly.Memory;
  /** Allocates `bytes` bytes, 16-byte aligned; may grow memory. */
  alloc(bytes: number): number;
  /** Frees a block from `alloc`. */
  free(ptr: number): void;

  /** Bytes of one random-stream state. */
  rngStateBytes(): number;
  /** FNV-1a 64 of `len` bytes at `ptr`. */
  fnv1a64(ptr: number, len: number): bigint;
  /** Output of one splitmix64 step from `state`. */
  splitmix64(state: bigint): bigint;
  /** Stream seed for (global seed, UTF-8 key bytes). */
  streamSeed(seed: bigint, keyPtr: number, keyLen: number): bigint;
  /** `new Rng(seed)` into the state at `state`. */
  rngInitSeed(state: number, seed: bigint): void;
  /** `rngFor(seed, key)` into the state at `state`. */
  rngInit(state: number, seed: bigint, keyPtr: number, keyLen: number): void;
  /** `src.fork(key)` into the state at `dst`. */
  rngFork(dst: number, src: number, keyPtr: number, keyLen: number): void;
  /** The stream seed held by a state. */
  rngSeed(state: number): bigint;
  /** Next u32 (returned signed). */
  rngNextU32(state: number): number;
  /** Uniform in [0, 1), 53 bits. */
  rngFloat(state: number): number;
  /** Uniform in [lo, hi). */
  rngUniform(state: number, lo: number, hi: number): number;
  /** The deterministic natural log shared with src/random. */
  detLn(x: number): number;
  /** Standard normal (Marsaglia polar with spare). */
  rngStandardNormal(state: number): number;
  /** Normal with mean and sd. */
  rngNormal(state: number, mean: number, sd: number): number;
  /** `n` raw u32 outputs into `out`. */
  rngFillU32(state: number, out: number, n: number): void;
  /** `n` f64 uniforms in [lo, hi) into `out`. */
  rngFillUniformF64(state: number, out: number, n: number, lo: number, hi: number): void;
  /** `n` f32 uniforms (`Math.fround(uniform(lo, hi))`) into `out`. */
  rngFillUniformF32(state: number, out: number, n: number, lo: number, hi: number): void;
  /** `n` f64 normals into `out`. */
  rngFillNormalF64(state: number, out: number, n: number, mean: number, sd: number): void;
  /** `n` f32 normals (`Math.fround(normal(mean, sd))`) into `out`. */
  rngFillNormalF32(state: number, out: number, n: number, mean: number, sd: number): void;

  /** Plan bytes for a real FFT of size n (power of two >= 4), 0 if unsupported. */
  rfftPlanBytes(n: number): number;
  /** Fills a plan; 0 on success, -1 for an unsupported size. */
  rfftPlanInit(plan: number, n: number): number;
  /** Complex DFT of n/2 points (split re/im), natural in, bit-reversed out. */
  cfftBitrev(plan: number, n: number, re: number, im: number): void;
  /** Unnormalised inverse of `cfftBitrev`: bit-reversed in, natural out. */
  icfftBitrev(plan: number, n: number, re: number, im: number): void;
  /** Real FFT in place: split even/odd samples -> packed bit-reversed spectrum. */
  rfftForward(plan: number, n: number, re: number, im: number): void;
  /** Inverse real FFT in place, output multiplied by `scale * n/2`. */
  rfftInverse(plan: number, n: number, re: number, im: number, scale: number): void;
  /** `count` real samples -> split re/im, zero-padded to m floats. */
  rfftLoad(src: number, count: number, re: number, im: number, m: number): void;
  /** split re/im -> `count` real samples at dst (added when `add` is 1). */
  rfftStore(re: number, im: number, dst: number, count: number, add: number): void;
  /** Packed spectrum -> natural interleaved bins 0..n/2 (n + 2 floats). */
  rfftUnpack(plan: number, n: number, re: number, im: number, out: number): void;
  /** Natural interleaved bins 0..n/2 -> packed spectrum. */
  rfftPack(plan: number, n: number, src: number, re: number, im: number): void;
  /** x *= h for packed spectra of m positions. */
  spectrumMultiply(xre: number, xim: number, hre: number, him: number, m: number): void;
  /** One overlap-add block of FFT convolution. */
  convolveFftBlock(
    plan: number, n: number, hre: number, him: number, src: number, count: number,
    re: number, im: number, dst: number, outCount: number,
  ): void;
  /** Direct convolution outputs [from, to) from a zero-padded signal and the reversed IR. */
  convolveDirect(xPad: number, hRev: number, irLength: number, y: number, from: number, to: number): void;
  /** TDF-II biquad cascade in place; f64 coefficients (5/section) and state (2/section). */
  biquadCascade(buf: number, n: number, coeffs: number, state: number, sections: number): void;
  /** f32 -> i32 `floor(x * top + 0.5)` clamped to [-top - 1, top]; first non-finite index or -1. */
  quantizePcm(src: number, dst: number, n: number, top: number): number;
}

/** Names every {@link SousaExports} member must have in the instance (checked at instantiation). */
export const SOUSA_EXPORT_NAMES = [
  'memory',
  'alloc',
  'free',
  'rngStateBytes',
  'fnv1a64',
  'splitmix64',
  'streamSeed',
  'rngInitSeed',
  'rngInit',
  'rngFork',
  'rngSeed',
  'rngNextU32',
  'rngFloat',
  'rngUniform',
  'detLn',
  'rngStandardNormal',
  'rngNormal',
  'rngFillU32',
  'rngFillUniformF64',
  'rngFillUniformF32',
  'rngFillNormalF64',
  'rngFillNormalF32',
  'rfftPlanBytes',
  'rfftPlanInit',
  'cfftBitrev',
  'icfftBitrev',
  'rfftForward',
  'rfftInverse',
  'rfftLoad',
  'rfftStore',
  'rfftUnpack',
  'rfftPack',
  'spectrumMultiply',
  'convolveFftBlock',
  'convolveDirect',
  'biquadCascade',
  'quantizePcm',
  ...AUGMENT_EXPORT_NAMES,
] as const satisfies readonly (keyof SousaExports)[];

/** An instance of wasm/sousa.wasm with allocation and fresh-view helpers. */
export interface SousaWasm {
  readonly module: WebAssembly.Module;
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  readonly exports: SousaExports;
  /** Allocates `bytes` bytes (16-byte aligned) and returns the unsigned pointer. May grow memory. */
  alloc(bytes: number): number;
  /** Frees a pointer from {@link SousaWasm.alloc}. */
  free(ptr: number): void;
  /** Allocates room for `data` and copies it in; returns the pointer. */
  allocCopy(data: ArrayBufferView): number;
  /** A fresh `Uint8Array` view on module memory. */
  u8(ptr: number, length: number): Uint8Array;
  /** A fresh `Uint32Array` view on module memory (`ptr` 4-byte aligned). */
  u32(ptr: number, length: number): Uint32Array;
  /** A fresh `Float32Array` view on module memory (`ptr` 4-byte aligned). */
  f32(ptr: number, length: number): Float32Array;
  /** A fresh `Float64Array` view on module memory (`ptr` 8-byte aligned). */
  f64(ptr: number, length: number): Float64Array;
}

/** Reads an AssemblyScript string (UTF-16, byte length stored 4 bytes before it). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return '';
  const start = ptr >>> 0;
  const byteLength = new Uint32Array(memory.buffer, start - 4, 1)[0] ?? 0;
  const units = new Uint16Array(memory.buffer, start, byteLength >>> 1);
  let out = '';
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode(...units.subarray(i, i + 4096));
  return out;
}

/**
 * Instantiates wasm/sousa.wasm (or the given source) with its imports. Each call makes a new
 * instance with its own memory; compile once with {@link loadWasmModule} and pass the module to
 * workers. Rejects with {@link WasmError}.
 */
export async function instantiateSousa(source?: WasmSource): Promise<SousaWasm> {
  const module = await loadWasmModule(source);
  let memoryRef: WebAssembly.Memory | undefined;
  const imports = {
    env: {
      // AssemblyScript calls this for failed assertions and throws (bounds, allocation too large).
      abort(msgPtr: number, filePtr: number, line: number, column: number): never {
        const msg = memoryRef ? readAsString(memoryRef, msgPtr) : '?';
        const file = memoryRef ? readAsString(memoryRef, filePtr) : '?';
        throw new WasmError('WASM_ABORT', `sousa.wasm aborted: ${msg} (at ${file}:${line}:${column})`);
      },
    },
  };
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, imports);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new WasmError('WASM_INSTANTIATE', `could not instantiate sousa.wasm: ${message}`, { cause: err });
  }
  const raw = instance.exports as Record<string, unknown>;
  const missing = SOUSA_EXPORT_NAMES.filter((name) => raw[name] === undefined);
  if (missing.length > 0) {
    throw new WasmError(
      'WASM_EXPORTS',
      `expected sousa.wasm to export ${missing.join(', ')}, it does not: the .wasm is stale or foreign, run \`npm run build:wasm\``,
    );
  }
  const exports = raw as unknown as SousaExports;
  const memory = exports.memory;
  memoryRef = memory;
  const alloc = (bytes: number): number => {
    if (!(bytes >= 0 && bytes <= 0xffff_0000 && Number.isInteger(bytes))) {
      throw new WasmError('WASM_ALLOC', `expected an allocation size of 0..${0xffff_0000} bytes, got ${bytes}`);
    }
    return exports.alloc(bytes) >>> 0;
  };
  return {
    module,
    instance,
    memory,
    exports,
    alloc,
    free: (ptr) => exports.free(ptr),
    allocCopy(data) {
      const ptr = alloc(data.byteLength);
      new Uint8Array(memory.buffer, ptr, data.byteLength).set(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
      return ptr;
    },
    u8: (ptr, length) => new Uint8Array(memory.buffer, ptr, length),
    u32: (ptr, length) => new Uint32Array(memory.buffer, ptr, length),
    f32: (ptr, length) => new Float32Array(memory.buffer, ptr, length),
    f64: (ptr, length) => new Float64Array(memory.buffer, ptr, length),
  };
}

let defaultInstance: Promise<SousaWasm> | undefined;

/**
 * The shared instance of the default wasm/sousa.wasm for this thread, created on first call.
 * A failed load is forgotten so a later call can retry.
 */
export function sharedSousa(): Promise<SousaWasm> {
  if (defaultInstance === undefined) {
    const pending = instantiateSousa();
    defaultInstance = pending;
    pending.catch(() => {
      if (defaultInstance === pending) defaultInstance = undefined;
    });
  }
  return defaultInstance;
}
