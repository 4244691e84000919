/** Node worker_threads entry: exposes the worker core over comlink, then says it is ready. */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createWorkerCore } from '../dataset/worker-core.js';
import type { WorkerMemory } from './node-pool.js';

if (!parentPort) throw new Error('node-worker.js must run in a worker thread');
const core = createWorkerCore();
// Results are transferred, not copied: a chunk with audio carries tens of MB of FLAC, and
// copying it cost the main thread (which only writes) a fifth of a core.
Comlink.expose(
  {
    init: core.init,
    /** This worker's own heap and off-heap memory (rss is the whole process's, so it is left out). */
    memory(): WorkerMemory {
      const m = process.memoryUsage();
      return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
    },
    async compute(chunk: number) {
      const r = await core.compute(chunk);
      const buffers = new Set<ArrayBuffer>();
      for (const f of r.files) {
        const b = f.bytes.buffer;
        if (b instanceof ArrayBuffer && f.bytes.byteOffset === 0 && f.bytes.byteLength === b.byteLength) buffers.add(b);
      }
      return Comlink.transfer(r, [...buffers]);
    },
  },
  nodeEndpoint(parentPort),
);
parentPort.postMessage('sousa-worker-ready');
