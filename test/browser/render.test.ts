/**
 * Rendering and FLAC encoding inside a Chromium module Web Worker give the same bytes as in Node:
 * the worker's FLAC must hash to the SHA-256 that test/flac.test.ts checks on the Node side.
 */
import { describe, expect, it } from 'vitest';

interface WorkerResult {
  ok: boolean;
  sha256?: string;
  frames?: number;
  bytes?: number;
  ms?: number;
  error?: string;
}

function runWorker(): Promise<WorkerResult> {
  const worker = new Worker(new URL('./render.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<WorkerResult>((resolve, reject) => {
    worker.onerror = (ev) => reject(new Error(`worker failed to load: ${ev.message}`));
    worker.onmessage = (ev: MessageEvent) => {
      if (ev.data === 'ready') {
        worker.postMessage('go');
        return;
      }
      resolve(ev.data as WorkerResult);
    };
  }).finally(() => worker.terminate());
}

describe('browser module worker', () => {
  it('renders and encodes the identity case to the same SHA-256 as Node', async () => {
    const res = await fetch(new URL('../fixtures/render-identity.json', import.meta.url));
    const expected = (await res.json()) as { frames: number; flacBytes: number; flacSha256: string };
    const result = await runWorker();
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.frames).toBe(expected.frames);
    expect(result.bytes).toBe(expected.flacBytes);
    expect(result.sha256).toBe(expected.flacSha256);
  });
});
