/**
 * A pool of Node worker_threads running the worker core over comlink. Each worker computes whole
 * chunks; the main thread only writes their files. Results are independent of the pool size
 * because a chunk's bytes depend only on (configuration, chunk index).
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { ChunkRunner } from '../dataset/generate.js';
import type { ChunkResult } from '../dataset/engine.js';
import type { DatasetConfig } from '../dataset/plan.js';
import type { WorkerCore, WorkerSoundfont } from '../dataset/worker-core.js';
import type { ImpulseResponse } from '../dataset/augmenter.js';

/** Memory of one worker thread's isolate, bytes (`process.memoryUsage()` inside the worker). */
export interface WorkerMemory {
  /** JS heap in use. */
  heapUsed: number;
  /** Memory outside the JS heap held by JS objects: ArrayBuffers and WebAssembly memories. */
  external: number;
  /** The ArrayBuffer part of `external`. */
  arrayBuffers: number;
}

/** What node-worker.ts exposes. */
type NodeWorkerApi = WorkerCore & { memory(): WorkerMemory };

interface PoolWorker {
  worker: Worker;
  api: Comlink.Remote<NodeWorkerApi>;
}

/** A chunk runner over worker threads, which can also report each worker's memory. */
export interface NodePool extends ChunkRunner {
  /**
   * Each worker's memory, in pool order. A worker answers between chunks (its compute does not
   * yield to its event loop), so a call made during a chunk resolves when that chunk is done.
   */
  memory(): Promise<WorkerMemory[]>;
}

async function startWorker(config: DatasetConfig, soundfonts: readonly WorkerSoundfont[], irs: readonly ImpulseResponse[]): Promise<PoolWorker> {
  const worker = new Worker(new URL('./node-worker.js', import.meta.url));
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (m === 'sousa-worker-ready') {
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve();
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
  const api = Comlink.wrap<NodeWorkerApi>(nodeEndpoint(worker));
  await api.init(config, soundfonts, irs);
  return { worker, api };
}

/** A chunk runner over `workers` worker threads. */
export async function createNodePool(
  config: DatasetConfig,
  workers: number,
  soundfonts: readonly WorkerSoundfont[],
  impulseResponses: readonly ImpulseResponse[] = [],
): Promise<NodePool> {
  const pool = await Promise.all(Array.from({ length: workers }, () => startWorker(config, soundfonts, impulseResponses)));
  return {
    memory: () => Promise.all(pool.map((w) => w.api.memory())),
    async run(chunks, onResult, signal) {
      let next = 0;
      let failure: unknown = null;
      let writing = Promise.resolve();
      const lane = async (w: PoolWorker) => {
        // A worker computes its next chunk while the main thread writes its previous result; at
        // most one result per lane waits to be written, which bounds memory.
        let laneWrite: Promise<void> = Promise.resolve();
        while (failure === null && next < chunks.length) {
          if (signal?.aborted) throw signal.reason;
          const c = chunks[next++]!;
          const r: ChunkResult = await w.api.compute(c);
          await laneWrite;
          // writes are serialised on the main thread
          writing = writing.then(() => onResult(r));
          laneWrite = writing;
        }
        await laneWrite;
      };
      await Promise.all(
        pool.map((w) =>
          lane(w).catch((e: unknown) => {
            failure ??= e;
          }),
        ),
      );
      await writing.catch((e: unknown) => {
        failure ??= e;
      });
      if (failure !== null) throw failure;
    },
    async close() {
      await Promise.all(pool.map(async (w) => {
        w.api[Comlink.releaseProxy]();
        await w.worker.terminate();
      }));
    },
  };
}
