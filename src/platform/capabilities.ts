/**
 * What the host can do, detected once from features rather than runtime names (Deno also reports
 * `process.versions.node`, so "is it Node?" is the wrong question; "can I import node:fs?" is the
 * right one). Everything is synchronous: no top-level await, nothing imported eagerly.
 */

/** Host capabilities, computed once at module load and frozen. */
export interface Capabilities {
  /** `node:fs` and the other `node:*` built-ins can be imported (Node, Deno, Bun). */
  readonly hasFs: boolean;
  /** A global `Worker` constructor exists (browsers, Deno; not Node 20). */
  readonly hasWorker: boolean;
  /** `node:worker_threads` can be imported (Node, Deno). */
  readonly hasWorkerThreads: boolean;
  /** A browser main thread or browser worker without Node built-ins. */
  readonly isBrowser: boolean;
  /** The `Deno` global exists; for messages and workarounds only, branch on features otherwise. */
  readonly isDeno: boolean;
  /** The engine validates a module using 128-bit SIMD, which wasm/sousa.wasm needs. */
  readonly hasWasmSimd: boolean;
  /** Logical processors available to this process (at least 1). */
  readonly hardwareConcurrency: number;
}

interface ProcessLike {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

interface OsLike {
  availableParallelism?: () => number;
  cpus?: () => unknown[];
}

function hostProcess(): ProcessLike | undefined {
  const p = (globalThis as { process?: ProcessLike }).process;
  return typeof p === 'object' && p !== null ? p : undefined;
}

function builtin(id: string): unknown {
  const p = hostProcess();
  // `process.getBuiltinModule` (Node >= 20.16, Deno 2) is a synchronous feature probe that
  // does not need `require`, which ESM lacks.
  if (typeof p?.getBuiltinModule !== 'function') return undefined;
  try {
    return p.getBuiltinModule(id) ?? undefined;
  } catch {
    return undefined;
  }
}

function hasNodeBuiltin(id: string): boolean {
  const p = hostProcess();
  if (typeof p?.getBuiltinModule === 'function') return builtin(id) !== undefined;
  // Older Node without the probe: a Node version string means the built-ins exist.
  return typeof p?.versions?.node === 'string';
}

// The smallest valid module whose one function uses v128: `(func v128.const 0 drop)`.
const SIMD_PROBE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
  ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: one () -> ()
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
  ...[0x0a, 0x17, 0x01, 0x15, 0x00], // code section: one 21-byte body, no locals
  ...[0xfd, 0x0c, ...new Array<number>(16).fill(0)], // v128.const 0
  ...[0x1a, 0x0b], // drop, end
]);

function detectWasmSimd(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

function detectConcurrency(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const fromNavigator = nav?.hardwareConcurrency;
  if (typeof fromNavigator === 'number' && fromNavigator >= 1) return Math.floor(fromNavigator);
  const os = builtin('node:os') as OsLike | undefined;
  const fromOs = os?.availableParallelism?.() ?? os?.cpus?.().length;
  return typeof fromOs === 'number' && fromOs >= 1 ? Math.floor(fromOs) : 1;
}

function detect(): Capabilities {
  const hasFs = hasNodeBuiltin('node:fs');
  const g = globalThis as { Worker?: unknown; Deno?: unknown; document?: unknown; WorkerGlobalScope?: unknown };
  const inBrowserScope = typeof g.document === 'object' || typeof g.WorkerGlobalScope === 'function';
  return Object.freeze({
    hasFs,
    hasWorker: typeof g.Worker === 'function',
    hasWorkerThreads: hasNodeBuiltin('node:worker_threads'),
    isBrowser: inBrowserScope && !hasFs && g.Deno === undefined,
    isDeno: typeof g.Deno === 'object' && g.Deno !== null,
    hasWasmSimd: detectWasmSimd(),
    hardwareConcurrency: detectConcurrency(),
  });
}

/** The host's capabilities (frozen). */
export const CAPS: Capabilities = detect();
