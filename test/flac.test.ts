/**
 * FLAC encoding with libflacjs: the files pass Debian's `flac -t` (which checks the MD5 against the
 * decoded audio), decode back to exactly the quantised PCM, carry an exact STREAMINFO, and the same
 * input always gives the same bytes (also the committed identity hash shared with the browser test).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFlac, encodeFlac, encodeFlacAt, fullScale, quantizePcm, readFlacStreamInfo } from '../src/audio/flac.js';
import { AudioCodecError } from '../src/errors.js';
import { sharedSousa } from '../src/platform/wasm.js';
import { rngFor } from '../src/random/index.js';
import { createRenderer } from '../src/synth/renderer.js';
import type { Renderer } from '../src/synth/renderer.js';
import { IDENTITY_NOTES, renderIdentityFlac } from './helpers/identity-case.js';
import { tinySnareSf2 } from './helpers/tiny-sf2.js';

const dir = mkdtempSync(join(tmpdir(), 'sousa-flac-'));
let renderer: Renderer;
let mono: Float32Array[];
let stereo: Float32Array[];

beforeAll(async () => {
  renderer = await createRenderer([{ name: 'timgm6mb', bytes: new Uint8Array(readFileSync('/usr/share/sounds/sf2/TimGM6mb.sf2')) }]);
  mono = renderer.render(IDENTITY_NOTES, { soundfont: 'timgm6mb' }).channels;
  stereo = renderer.render(IDENTITY_NOTES, { soundfont: 'timgm6mb', channels: 2 }).channels;
});

afterAll(() => {
  renderer.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs Debian's `flac -t` on the bytes; returns its exit status and output. */
function flacTest(bytes: Uint8Array, name: string): { status: number | null; output: string } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const r = spawnSync('flac', ['-t', path], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** MD5 of interleaved little-endian PCM, as FLAC's STREAMINFO defines it. */
function pcmMd5(pcm: readonly Int32Array[], bytesPerSample: number): string {
  const frames = pcm[0]!.length;
  const buf = Buffer.alloc(frames * pcm.length * bytesPerSample);
  let at = 0;
  for (let i = 0; i < frames; i++) {
    for (const ch of pcm) {
      buf.writeIntLE(ch[i]!, at, bytesPerSample);
      at += bytesPerSample;
    }
  }
  return createHash('md5').update(buf).digest('hex');
}

describe('quantizePcm', () => {
  it('rounds x * (2^(bits-1) - 1) with Math.round and clamps', () => {
    const x = Float32Array.from([0, 0.5, -0.5, 1, -1, 1.5, -1.5, 1e-7, -0.25]);
    expect(Array.from(quantizePcm(x, 24))).toEqual([0, 4194304, -4194303, 8388607, -8388607, 8388607, -8388608, 1, -2097152]);
    expect(Array.from(quantizePcm(x, 16))).toEqual([0, 16384, -16383, 32767, -32767, 32767, -32768, 0, -8192]);
    expect(fullScale(24)).toBe(8_388_607);
  });

  it('rejects non-finite samples with their frame', () => {
    expect(() => quantizePcm(Float32Array.from([0, 0.1, Number.NaN]), 24)).toThrow(/expected finite samples, got NaN at frame 2/);
  });

  it('the SIMD kernel the encoder uses gives exactly the same integers', async () => {
    const wasm = await sharedSousa();
    // Half-way values (k + 0.5) / top, values just around them, the clamp edges, tiny and random.
    const xs: number[] = [0, -0, 1, -1, 1.5, -1.5, 2 ** -149, -(2 ** -149), 1 - 2 ** -24, -1 + 2 ** -24, 0.49999997, -0.49999997];
    for (const bits of [16, 24] as const) {
      const top = fullScale(bits);
      for (let k = -40; k <= 40; k++) {
        const h = Math.fround((k + 0.5) / top);
        xs.push(h, Math.fround(h * (1 + 2 ** -23)), Math.fround(h * (1 - 2 ** -23)));
      }
    }
    const rng = rngFor(7, 'flac/quantize');
    for (let i = 0; i < 4003; i++) xs.push(rng.uniform(-1.2, 1.2));
    const x = Float32Array.from(xs);
    for (const bits of [16, 24] as const) {
      const src = wasm.allocCopy(x);
      const dst = wasm.alloc(x.length * 4);
      expect(wasm.exports.quantizePcm(src, dst, x.length, fullScale(bits))).toBe(-1);
      expect(Array.from(new Int32Array(wasm.memory.buffer, dst, x.length))).toEqual(Array.from(quantizePcm(x, bits)));
      // A non-finite sample anywhere (SIMD body or scalar tail) is found at its index.
      for (const at of [5, x.length - 2]) {
        wasm.f32(src, x.length)[at] = at === 5 ? Number.POSITIVE_INFINITY : Number.NaN;
        expect(wasm.exports.quantizePcm(src, dst, x.length, fullScale(bits))).toBe(at);
        wasm.f32(src, x.length)[at] = 0;
      }
      wasm.free(src);
      wasm.free(dst);
    }
  });
});

describe('encodeFlac', () => {
  it('encodeFlacAt encodes audio already in module memory to the same bytes, and refuses bad pointers', async () => {
    const wasm = await sharedSousa();
    const frames = stereo[0]!.length;
    const ptrs = stereo.map((ch) => wasm.allocCopy(ch));
    try {
      const fromMemory = await encodeFlacAt(wasm, ptrs, frames);
      expect(Buffer.from(fromMemory).equals(Buffer.from(await encodeFlac(stereo)))).toBe(true);
      await expect(encodeFlacAt(wasm, [ptrs[0]! + 2], frames)).rejects.toThrow(/channel 0 at a 4-byte aligned pointer/);
      await expect(encodeFlacAt(wasm, [wasm.memory.buffer.byteLength - 8], frames)).rejects.toThrow(/inside module memory/);
      await expect(encodeFlacAt(wasm, ptrs, 0)).rejects.toThrow(/expected at least 1 frame, got 0/);
      wasm.f32(ptrs[1]!, frames)[17] = Number.NaN;
      await expect(encodeFlacAt(wasm, ptrs, frames)).rejects.toThrow(/expected finite samples, got NaN at frame 17 of channel 1/);
    } finally {
      for (const p of ptrs) wasm.free(p);
    }
  });

  it('writes a 24-bit mono file that flac -t accepts and whose STREAMINFO is exact', async () => {
    const bytes = await encodeFlac(mono);
    const t = flacTest(bytes, 'mono24.flac');
    expect(t.status, t.output).toBe(0);
    expect(t.output).toMatch(/mono24\.flac: ok/);
    const info = readFlacStreamInfo(bytes);
    const pcm = [quantizePcm(mono[0]!, 24)];
    expect(info).toMatchObject({ sampleRateHz: 44_100, channels: 1, bitsPerSample: 24, totalSamples: mono[0]!.length });
    expect(info.md5).toBe(pcmMd5(pcm, 3));
    expect(info.minFrameSize).toBeGreaterThan(0);
    expect(info.maxFrameSize).toBeGreaterThanOrEqual(info.minFrameSize);
    expect(info.maxBlockSize).toBe(4096);
  });

  it('decodes back to exactly the quantised PCM', async () => {
    const decoded = await decodeFlac(await encodeFlac(mono));
    expect(decoded).toMatchObject({ sampleRateHz: 44_100, bitsPerSample: 24, frames: mono[0]!.length });
    const want = quantizePcm(mono[0]!, 24);
    let mismatches = 0;
    for (let i = 0; i < want.length; i++) if (decoded.pcm[0]![i] !== want[i]) mismatches++;
    expect(mismatches).toBe(0);
    // The decoded floats are within half a step of the rendered ones.
    let err = 0;
    for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(decoded.channels[0]![i]! - mono[0]![i]!));
    expect(err).toBeLessThan(1 / fullScale(24));
  });

  it('also agrees with the native decoder: flac -d gives the same PCM bytes', async () => {
    const path = join(dir, 'native.flac');
    writeFileSync(path, await encodeFlac(mono));
    execFileSync('flac', ['-d', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '-o', join(dir, 'native.raw'), path], { stdio: 'pipe' });
    const raw = readFileSync(join(dir, 'native.raw'));
    const pcm = quantizePcm(mono[0]!, 24);
    expect(raw.length).toBe(pcm.length * 3);
    let mismatches = 0;
    for (let i = 0; i < pcm.length; i++) if (raw.readIntLE(i * 3, 3) !== pcm[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('encodes stereo and 16-bit', async () => {
    const bytes = await encodeFlac(stereo, { bitsPerSample: 16, compressionLevel: 8 });
    const t = flacTest(bytes, 'stereo16.flac');
    expect(t.status, t.output).toBe(0);
    const info = readFlacStreamInfo(bytes);
    expect(info).toMatchObject({ channels: 2, bitsPerSample: 16, totalSamples: stereo[0]!.length });
    const pcm = stereo.map((ch) => quantizePcm(ch, 16));
    expect(info.md5).toBe(pcmMd5(pcm, 2));
    const decoded = await decodeFlac(bytes);
    let mismatches = 0;
    pcm.forEach((ch, c) => ch.forEach((v, i) => (mismatches += decoded.pcm[c]![i] === v ? 0 : 1)));
    expect(mismatches).toBe(0);
  });

  it('gives identical bytes for identical input, and different bytes for a one-step change', async () => {
    const a = await encodeFlac(mono);
    const b = await encodeFlac([mono[0]!.slice()]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const changed = mono[0]!.slice();
    changed[1000] = changed[1000]! + 1 / fullScale(24);
    const c = await encodeFlac([changed]);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    expect(readFlacStreamInfo(c).md5).not.toBe(readFlacStreamInfo(a).md5);
  });

  it('handles a length that is not a multiple of the block size or the encode chunk', async () => {
    const x = new Float32Array(70_001);
    for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 2001) / 2000 - 0.5;
    const bytes = await encodeFlac([x], { sampleRateHz: 48_000 });
    expect(readFlacStreamInfo(bytes)).toMatchObject({ totalSamples: 70_001, sampleRateHz: 48_000 });
    expect(flacTest(bytes, 'odd.flac').status).toBe(0);
    expect(Array.from((await decodeFlac(bytes)).pcm[0]!)).toEqual(Array.from(quantizePcm(x, 24)));
  });

  it('rejects bad input with AudioCodecError', async () => {
    await expect(encodeFlac([])).rejects.toThrow(AudioCodecError);
    await expect(encodeFlac([new Float32Array(10), new Float32Array(9)])).rejects.toThrow(/all channels 10 frames long.*got 9 in channel 1/);
    await expect(encodeFlac([new Float32Array(0)])).rejects.toThrow(/at least 1 frame/);
    await expect(encodeFlac([Float32Array.from([0, Number.POSITIVE_INFINITY])])).rejects.toThrow(/got Infinity at frame 1/);
    await expect(encodeFlac([new Float32Array(10)], { bitsPerSample: 20 as 24 })).rejects.toThrow(/bitsPerSample must be 16 or 24, got 20/);
    await expect(encodeFlac([new Float32Array(10)], { compressionLevel: 9 })).rejects.toThrow(/compressionLevel must be an integer 0-8, got 9/);
    await expect(decodeFlac(new Uint8Array([1, 2, 3]))).rejects.toThrow(/expected a FLAC stream starting with "fLaC"/);
  });
});

describe('identity case shared with the browser test', () => {
  it('renders and encodes to the committed SHA-256', async () => {
    const expected = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/render-identity.json'), 'utf8')) as {
      sf2Sha256: string;
      frames: number;
      flacBytes: number;
      flacSha256: string;
    };
    const sf2 = tinySnareSf2();
    expect(createHash('sha256').update(sf2).digest('hex')).toBe(expected.sf2Sha256);
    const { flac, frames } = await renderIdentityFlac(sf2, 'tiny');
    expect(frames).toBe(expected.frames);
    expect(flac.length).toBe(expected.flacBytes);
    expect(createHash('sha256').update(flac).digest('hex')).toBe(expected.flacSha256);
    expect(flacTest(flac, 'identity.flac').status).toBe(0);
  });
});
