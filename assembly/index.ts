// sousa-wasm AssemblyScript kernels: the single entry compiled by `npm run build:wasm`
// (asconfig.json) into wasm/sousa.wasm and wasm/sousa.debug.wasm.
//
// Invariants for every export:
// - Kernels work in place on memory the caller obtained from `alloc` and never allocate on their
//   own behalf, so a JS typed-array view made right before a call stays valid through it unless
//   the export says it allocates.
// - No managed objects (strings, arrays, classes): the runtime is `minimal` (TLSF allocator, GC only
//   on demand, which we never request), so `alloc`/`free` are plain malloc/free.
// - Deterministic: integer arithmetic and IEEE basic operations only where bits must match TS.
// The JS entry is src/platform/wasm.ts, not generated bindings.

export * from './random';
export * from './fft';
export * from './convolve';
export * from './biquad';
export * from './dsp';
export * from './fir';
export * from './degrade';
export * from './pcm';

/** Allocates `bytes` bytes (16-byte aligned) in module memory. May grow memory. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Frees a block returned by `alloc`. */
export function free(ptr: usize): void {
  heap.free(ptr);
}
