// The WebAssembly RNG (assembly/random.ts) against the TypeScript one (src/random/index.ts),
// bit for bit, plus pinned numbers (test/fixtures/random-golden.json) and published test vectors;
// and the loader (src/platform/wasm.ts) and capability flags it relies on.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmError } from '../src/errors.js';
import { CAPS } from '../src/platform/capabilities.js';
import {
  defaultWasmUrl,
  instantiateSousa,
  loadWasmModule,
  SOUSA_EXPORT_NAMES,
  sharedSousa,
  type SousaWasm,
} from '../src/platform/wasm.js';
import { detLn, fnv1a64, Rng, rngFor, splitmix64, streamSeed } from '../src/random/index.js';
import golden from './fixtures/random-golden.json' with { type: 'json' };

interface GoldenCase {
  seed: string;
  key: string;
  streamSeed: string;
  u32: number[];
  float: number[];
  normal: number[];
}
const CASES: GoldenCase[] = golden.cases;

const utf8 = new TextEncoder();
let w: SousaWasm;

beforeAll(async () => {
  w = await sharedSousa();
});

/** Runs `fn` with the key's UTF-8 bytes in module memory. */
function withKey<T>(key: string, fn: (ptr: number, len: number) => T): T {
  const bytes = utf8.encode(key);
  const ptr = w.allocCopy(bytes);
  try {
    return fn(ptr, bytes.length);
  } finally {
    w.free(ptr);
  }
}

/** A fresh stream state for (seed, key) in module memory; caller frees. */
function wasmStream(seed: bigint, key: string): number {
  const state = w.alloc(w.exports.rngStateBytes());
  withKey(key, (p, n) => w.exports.rngInit(state, seed, p, n));
  return state;
}

function draws(next: () => number, n: number): number[] {
  return Array.from({ length: n }, next);
}

function tsVectors(seed: bigint, key: string) {
  const rng = rngFor(seed, key);
  return {
    u32: draws(() => rng.nextU32(), 8),
    float: draws(() => rng.float(), 8),
    normal: draws(() => rng.standardNormal(), 8),
  };
}

function wasmVectors(seed: bigint, key: string) {
  const st = wasmStream(seed, key);
  try {
    const e = w.exports;
    return {
      u32: draws(() => e.rngNextU32(st) >>> 0, 8),
      float: draws(() => e.rngFloat(st), 8),
      normal: draws(() => e.rngStandardNormal(st), 8),
    };
  } finally {
    w.free(st);
  }
}

describe('known-answer vectors (independent of our code)', () => {
  // FNV-1a 64: the reference test suite of Fowler/Noll/Vo; splitmix64: Vigna's splitmix64.c from state 0.
  const FNV: Array<[string, bigint]> = [
    ['', 0xcbf29ce484222325n],
    ['a', 0xaf63dc4c8601ec8cn],
    ['foobar', 0x85944171f73967e8n],
  ];
  it.each(FNV)('fnv1a64(%j) matches the published value in TS and WASM', (key, want) => {
    expect(fnv1a64(key)).toBe(want);
    expect(BigInt.asUintN(64, withKey(key, (p, n) => w.exports.fnv1a64(p, n)))).toBe(want);
  });

  it('splitmix64 from state 0 gives the published sequence in TS and WASM', () => {
    const want = [0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn];
    let state = 0n;
    for (const value of want) {
      const [out, next] = splitmix64(state);
      expect(out).toBe(value);
      expect(BigInt.asUintN(64, w.exports.splitmix64(state))).toBe(value);
      state = next;
    }
  });
});

describe('pinned golden vectors', () => {
  it('cover seed 0, 2^53-1, values above 2^53, 2^64-1 and non-ASCII keys', () => {
    const seeds = CASES.map((c) => BigInt(c.seed));
    expect(seeds).toContain(0n);
    expect(seeds).toContain(2n ** 53n - 1n);
    expect(seeds.some((s) => s > 2n ** 53n)).toBe(true);
    expect(seeds).toContain(2n ** 64n - 1n);
    expect(CASES.some((c) => /[^\x00-\x7f]/.test(c.key))).toBe(true);
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES.map((c) => [c.seed, c.key, c] as const))('TS matches the fixture for seed %s key %j', (_s, _k, c) => {
    const seed = BigInt(c.seed);
    expect(streamSeed(seed, c.key).toString()).toBe(c.streamSeed);
    expect(tsVectors(seed, c.key)).toEqual({ u32: c.u32, float: c.float, normal: c.normal });
  });
});

describe('WASM RNG is bit-identical to the TS RNG', () => {
  it.each(CASES.map((c) => [c.seed, c.key, c] as const))('seed %s key %j', (_s, _k, c) => {
    const seed = BigInt(c.seed);
    const wantSeed = streamSeed(seed, c.key);
    expect(BigInt.asUintN(64, withKey(c.key, (p, n) => w.exports.streamSeed(seed, p, n)))).toBe(wantSeed);
    const got = wasmVectors(seed, c.key);
    const want = tsVectors(seed, c.key);
    // toEqual uses Object.is per element: exact equality, including the sign of zero.
    expect(got.u32).toEqual(want.u32);
    expect(got.float).toEqual(want.float);
    expect(got.normal).toEqual(want.normal);
    // and the fixture, so that both sides changing together is caught too
    expect(got.normal).toEqual(c.normal);
  });

  it('stores the stream seed and forks like Rng.fork', () => {
    const parent = rngFor(99n, 'parent');
    const src = wasmStream(99n, 'parent');
    const dst = w.alloc(w.exports.rngStateBytes());
    try {
      expect(BigInt.asUintN(64, w.exports.rngSeed(src))).toBe(parent.seed);
      for (const key of ['child', 'ドラム', '']) {
        withKey(key, (p, n) => w.exports.rngFork(dst, src, p, n));
        const child = parent.fork(key);
        expect(draws(() => w.exports.rngNextU32(dst) >>> 0, 16)).toEqual(draws(() => child.nextU32(), 16));
      }
      // a fork depends only on the seed, not on how far the parent has advanced
      for (let i = 0; i < 5; i++) w.exports.rngNextU32(src);
      withKey('child', (p, n) => w.exports.rngFork(dst, src, p, n));
      const fresh = rngFor(99n, 'parent').fork('child');
      expect(w.exports.rngFloat(dst)).toBe(fresh.float());
    } finally {
      w.free(dst);
      w.free(src);
    }
  });

  it('rngInitSeed equals new Rng(seed), including the all-zero-state guard path', () => {
    const st = w.alloc(w.exports.rngStateBytes());
    try {
      for (const seed of [0n, 1n, 2n ** 64n - 1n, 0x61c8864680b583ebn]) {
        w.exports.rngInitSeed(st, seed);
        const rng = new Rng(seed);
        expect(draws(() => w.exports.rngNextU32(st) >>> 0, 8)).toEqual(draws(() => rng.nextU32(), 8));
      }
    } finally {
      w.free(st);
    }
  });

  it('fills agree with TS draws over long runs, spare carried across calls', () => {
    const n = 10_001; // odd: the last normal leaves a spare in the state
    const e = w.exports;
    const st = wasmStream(5n, 'fills');
    const rng = rngFor(5n, 'fills');
    const ptr = w.alloc(n * 8);
    try {
      e.rngFillNormalF64(st, ptr, n, 0.25, 3);
      const normal64 = w.f64(ptr, n).slice();
      e.rngFillNormalF32(st, ptr, n, -1, 0.5);
      const normal32 = w.f32(ptr, n).slice();
      e.rngFillUniformF64(st, ptr, n, -2, 7);
      const uniform64 = w.f64(ptr, n).slice();
      e.rngFillUniformF32(st, ptr, n, -1, 1);
      const uniform32 = w.f32(ptr, n).slice();
      e.rngFillU32(st, ptr, n);
      const raw = w.u32(ptr, n).slice();
      const single = e.rngNormal(st, 10, 2);

      const want = (f: () => number, len: number) => Array.from({ length: len }, f);
      expect(Array.from(normal64)).toEqual(want(() => rng.normal(0.25, 3), n));
      expect(Array.from(normal32)).toEqual(want(() => Math.fround(rng.normal(-1, 0.5)), n));
      expect(Array.from(uniform64)).toEqual(want(() => rng.uniform(-2, 7), n));
      expect(Array.from(uniform32)).toEqual(want(() => Math.fround(rng.uniform(-1, 1)), n));
      expect(Array.from(raw)).toEqual(want(() => rng.nextU32(), n));
      expect(single).toBe(rng.normal(10, 2));
      // statistical sanity on the same numbers (n = 10001: 5 sigma bounds)
      const mean = normal64.reduce((a, b) => a + b, 0) / n;
      expect(Math.abs(mean - 0.25)).toBeLessThan((5 * 3) / Math.sqrt(n));
      expect(Math.min(...uniform64)).toBeGreaterThanOrEqual(-2);
      expect(Math.max(...uniform64)).toBeLessThan(7);
    } finally {
      w.free(ptr);
      w.free(st);
    }
  });

  it('detLn is bit-identical on edge cases and across the whole exponent range', () => {
    const xs: number[] = [
      0, -0, -1, NaN, Infinity, -Infinity, 1, 2, 0.5, Math.SQRT2, 1.4142135623730951, 1.4142135623730954,
      Number.MIN_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, Number.EPSILON,
      1 + Number.EPSILON, 1 - Number.EPSILON / 2, Math.E, 10, 1e-300, 1e300,
    ];
    const rng = rngFor(1n, 'detLn');
    for (let i = 0; i < 4000; i++) xs.push(rng.float() * 2 ** rng.intBetween(-1074, 1023));
    for (let i = 0; i < 1000; i++) xs.push(rng.float()); // the polar method's range (0, 1)
    for (const x of xs) {
      const got = w.exports.detLn(x);
      expect(Object.is(got, detLn(x)), `detLn(${x}): wasm ${got}, ts ${detLn(x)}`).toBe(true);
      if (x > 0 && Number.isFinite(x) && x !== 1) {
        expect(Math.abs(got - Math.log(x)) / Math.abs(Math.log(x))).toBeLessThan(4e-16);
      }
    }
  });
});

describe('loader', () => {
  it('exports exactly the documented names', () => {
    const names = WebAssembly.Module.exports(w.module).map((d) => d.name);
    expect(names.slice().sort()).toEqual([...SOUSA_EXPORT_NAMES].sort());
  });

  it('memoises compilation per URL and accepts a ready module', async () => {
    const a = loadWasmModule();
    const b = loadWasmModule(defaultWasmUrl().href);
    expect(a).toBe(b);
    const mod = await a;
    expect(await loadWasmModule(mod)).toBe(mod);
    const inst = await instantiateSousa(mod);
    expect(inst.module).toBe(mod);
    expect(inst.memory).not.toBe(w.memory); // a new instance has its own memory
    expect(inst.exports.rngStateBytes()).toBe(40);
  });

  it('compiles from bytes and from a plain file path', async () => {
    const bytes = await readFile(defaultWasmUrl());
    const fromBytes = await instantiateSousa(bytes);
    expect(fromBytes.exports.detLn(1)).toBe(0);
    const fromPath = await loadWasmModule(defaultWasmUrl().pathname);
    expect(WebAssembly.Module.exports(fromPath).length).toBe(SOUSA_EXPORT_NAMES.length);
  });

  it('names the file and the fix when the .wasm is missing', async () => {
    const missing = new URL('./no-such-dir/sousa.wasm', import.meta.url);
    const err = await loadWasmModule(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WasmError);
    expect((err as WasmError).code).toBe('WASM_NOT_FOUND');
    expect((err as WasmError).message).toContain(missing.href);
  });

  it('reports bad bytes as a compile error', async () => {
    const err = await loadWasmModule(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WasmError);
    expect((err as WasmError).code).toBe('WASM_COMPILE');
  });

  it('turns an AssemblyScript abort into a WasmError with the decoded message', async () => {
    const inst = await instantiateSousa(await loadWasmModule());
    let err: unknown;
    try {
      inst.alloc(0x7fff_0000); // over the allocator's 1 GiB block limit: the runtime throws
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WasmError);
    expect((err as WasmError).code).toBe('WASM_ABORT');
    expect((err as WasmError).message).toMatch(/Allocation too large/);
  });

  it('growing memory replaces the buffer; fresh views see the data', async () => {
    const inst = await instantiateSousa(await loadWasmModule());
    const small = inst.alloc(16);
    inst.f32(small, 4).set([1, 2, 3, 4]);
    const before = inst.memory.buffer;
    const big = inst.alloc(32 << 20);
    expect(inst.memory.buffer).not.toBe(before);
    expect(before.byteLength).toBe(0); // the old buffer is detached
    expect(Array.from(inst.f32(small, 4))).toEqual([1, 2, 3, 4]);
    inst.free(big);
    inst.free(small);
  });

  describe('over HTTP', () => {
    let server: Server;
    let base = '';
    beforeAll(async () => {
      const bytes = await readFile(defaultWasmUrl());
      server = createServer((req, res) => {
        if (req.url === '/good.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(bytes);
        else if (req.url === '/octet.wasm') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('compiles with compileStreaming, and from bytes when the MIME type is wrong', async () => {
      for (const path of ['/good.wasm', '/octet.wasm']) {
        const inst = await instantiateSousa(`${base}${path}`);
        expect(inst.exports.detLn(Math.E)).toBe(detLn(Math.E));
      }
    });

    it('reports an HTTP error with the status and URL, and retries after a failure', async () => {
      const url = `${base}/missing.wasm`;
      const err = await loadWasmModule(url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WasmError);
      expect((err as WasmError).message).toContain('404');
      expect((err as WasmError).message).toContain(url);
      // the failed load was forgotten: a new call starts a new attempt instead of replaying the error
      const first = loadWasmModule(url);
      await first.catch(() => undefined);
      const second = loadWasmModule(url);
      expect(second).not.toBe(first);
      await second.catch(() => undefined);
      // while a successful one is shared
      expect(loadWasmModule(`${base}/good.wasm`)).toBe(loadWasmModule(`${base}/good.wasm`));
    });
  });
});

describe('capabilities', () => {
  it('are frozen and describe Node', () => {
    expect(Object.isFrozen(CAPS)).toBe(true);
    expect(CAPS).toEqual({
      hasFs: true,
      hasWorker: typeof (globalThis as { Worker?: unknown }).Worker === 'function',
      hasWorkerThreads: true,
      isBrowser: false,
      isDeno: false,
      hasWasmSimd: true,
      hardwareConcurrency: availableParallelism(),
    });
  });
});
