/// <reference types="vite/client" />
/**
 * Module worker for test/browser/render.test.ts: loads libfluidsynth and libflacjs from the URLs
 * Vite gives their files (the app, not the library, decides where assets live), renders and encodes
 * the identity case, and posts the FLAC's SHA-256. Posts 'ready' first: messages sent before a
 * worker's module graph has run are lost.
 */
import fluidUrl from 'js-synthesizer/externals/libfluidsynth-2.4.6.js?url';
import flacScriptUrl from 'libflacjs/dist/libflac.min.wasm.js?url';
import flacWasmUrl from 'libflacjs/dist/libflac.min.wasm.wasm?url';
import { loadLibFlac } from '../../src/platform/flac.js';
import { loadFluidSynth } from '../../src/platform/fluidsynth.js';
import { hex, renderIdentityFlac } from '../helpers/identity-case.js';
import { tinySnareSf2 } from '../helpers/tiny-sf2.js';

interface WorkerScope {
  onmessage: ((ev: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = () => {
  void (async () => {
    try {
      await loadFluidSynth({ scriptUrl: new URL(fluidUrl, self.location.href) });
      await loadLibFlac({ scriptUrl: new URL(flacScriptUrl, self.location.href), wasmUrl: new URL(flacWasmUrl, self.location.href) });
      const started = performance.now();
      const { flac, frames } = await renderIdentityFlac(tinySnareSf2(), 'tiny');
      const ms = performance.now() - started;
      const digest = await crypto.subtle.digest('SHA-256', flac as Uint8Array<ArrayBuffer>);
      scope.postMessage({ ok: true, sha256: hex(digest), frames, bytes: flac.length, ms });
    } catch (err) {
      scope.postMessage({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) });
    }
  })();
};
scope.postMessage('ready');
