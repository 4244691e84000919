/** Node worker_threads entry: exposes the worker core over comlink, then says it is ready. */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createWorkerCore } from '../dataset/worker-core.js';

if (!parentPort) throw new Error('node-worker.js must run in a worker thread');
Comlink.expose(createWorkerCore(), nodeEndpoint(parentPort));
parentPort.postMessage('sousa-worker-ready');
