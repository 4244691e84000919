/**
 * FLAC encoding (libflacjs, libFLAC in WebAssembly) with a complete, exact STREAMINFO block, and
 * decoding through the optional @wasm-audio-decoders/flac package.
 *
 * Invariants:
 * - Float samples become integers with `Math.round(x * (2^(bits-1) - 1))`, clamped to the integer
 *   range: the same rule in every runtime, so the same input gives the same FLAC bytes everywhere.
 * - libFLAC writing to a stream cannot seek back to finish its header, so the STREAMINFO it wrote
 *   first has no MD5, frame sizes or final length. It reports the final values at the end; we write
 *   them into the header (total samples from our own count), which `flac -t` then verifies.
 */
import { AudioCodecError } from '../errors.js';
import { loadFlacDecoder, loadLibFlac } from '../platform/flac.js';
import type { LibFlac } from '../platform/flac.js';
import { sharedSousa, type SousaWasm } from '../platform/wasm.js';

/** Options of {@link encodeFlac}. */
export interface FlacEncodeOptions {
  /** Sample rate recorded in the stream, Hz (default 44100). */
  sampleRateHz: number;
  /** Integer sample size (default 24, as SOUSA's PCM_24). */
  bitsPerSample: 16 | 24;
  /** libFLAC compression level 0-8 (default 5, the `flac` command's default). */
  compressionLevel: number;
  /** Kernels instance that quantises the samples (default: this thread's shared sousa.wasm). */
  wasm?: SousaWasm;
}

/** Defaults of {@link FlacEncodeOptions}. */
export const DEFAULT_FLAC_ENCODE_OPTIONS: Readonly<FlacEncodeOptions> = Object.freeze({
  sampleRateHz: 44_100,
  bitsPerSample: 24,
  compressionLevel: 5,
});

/** Frames quantised and handed to libFLAC per call: bounds the copies, not the output. */
const ENCODE_CHUNK_FRAMES = 65_536;

/** The STREAMINFO block of a FLAC file. */
export interface FlacStreamInfo {
  minBlockSize: number;
  maxBlockSize: number;
  minFrameSize: number;
  maxFrameSize: number;
  sampleRateHz: number;
  channels: number;
  bitsPerSample: number;
  /** Frames (samples per channel) in the stream. */
  totalSamples: number;
  /** MD5 of the interleaved little-endian integer PCM, lower-case hex. */
  md5: string;
}

/** Decoded FLAC audio. */
export interface DecodedFlac {
  /** One array per channel, values = integer sample / (2^(bits-1) - 1), the scale we quantise with. */
  channels: Float32Array[];
  /** The integer samples, one array per channel: `Math.round(value * fullScale(bits))`, exact. */
  pcm: Int32Array[];
  sampleRateHz: number;
  bitsPerSample: number;
  frames: number;
}

/** Largest positive integer sample at `bitsPerSample`. */
export function fullScale(bitsPerSample: number): number {
  return 2 ** (bitsPerSample - 1) - 1;
}

/**
 * Float samples to integers: `Math.round(x * fullScale)`, clamped to [-fullScale - 1, fullScale].
 * Throws {@link AudioCodecError} on a non-finite sample.
 */
export function quantizePcm(samples: Float32Array, bitsPerSample: 16 | 24): Int32Array<ArrayBuffer> {
  const top = fullScale(bitsPerSample);
  const bottom = -top - 1;
  const out = new Int32Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    if (!Number.isFinite(x)) {
      throw new AudioCodecError('PCM_NOT_FINITE', `expected finite samples, got ${x} at frame ${i}`);
    }
    const v = Math.round(x * top);
    out[i] = v > top ? top : v < bottom ? bottom : v;
  }
  return out;
}

/**
 * Encodes planar float audio (one array per channel, equal lengths, 1-8 channels) as a FLAC file.
 * Rejects with {@link AudioCodecError} on bad input or an encoder failure.
 */
export async function encodeFlac(channels: readonly Float32Array[], opts?: Partial<FlacEncodeOptions>): Promise<Uint8Array> {
  const o: FlacEncodeOptions = { ...DEFAULT_FLAC_ENCODE_OPTIONS, ...opts };
  checkEncodeInput(channels, o);
  const [flac, wasm] = await Promise.all([loadLibFlac(), o.wasm ?? sharedSousa()]);
  return encodeChannels(flac, wasm, channels, o);
}

function checkEncodeInput(channels: readonly Float32Array[], o: FlacEncodeOptions): void {
  if (!Array.isArray(channels) || channels.length < 1 || channels.length > 8) {
    throw new AudioCodecError('FLAC_INPUT_INVALID', `expected 1-8 channels, got ${Array.isArray(channels) ? channels.length : typeof channels}`);
  }
  const frames = channels[0]!.length;
  channels.forEach((ch, i) => {
    if (!(ch instanceof Float32Array)) throw new AudioCodecError('FLAC_INPUT_INVALID', `expected channel ${i} as a Float32Array, got ${typeof ch}`);
    if (ch.length !== frames) {
      throw new AudioCodecError('FLAC_INPUT_INVALID', `expected all channels ${frames} frames long (as channel 0), got ${ch.length} in channel ${i}`);
    }
  });
  if (frames < 1) throw new AudioCodecError('FLAC_INPUT_INVALID', 'expected at least 1 frame, got 0');
  checkEncodeOptions(o);
}

function checkEncodeOptions(o: FlacEncodeOptions): void {
  if (o.bitsPerSample !== 16 && o.bitsPerSample !== 24) {
    throw new AudioCodecError('FLAC_OPTIONS_INVALID', `bitsPerSample must be 16 or 24, got ${String(o.bitsPerSample)}`);
  }
  // STREAMINFO holds the rate in 20 bits.
  if (!Number.isInteger(o.sampleRateHz) || o.sampleRateHz < 1 || o.sampleRateHz > 655_350) {
    throw new AudioCodecError('FLAC_OPTIONS_INVALID', `sampleRateHz must be an integer 1-655350, got ${o.sampleRateHz}`);
  }
  if (!Number.isInteger(o.compressionLevel) || o.compressionLevel < 0 || o.compressionLevel > 8) {
    throw new AudioCodecError('FLAC_OPTIONS_INVALID', `compressionLevel must be an integer 0-8, got ${o.compressionLevel}`);
  }
}

interface StreamMetadata {
  min_framesize: number;
  max_framesize: number;
  md5sum: string;
}

/**
 * Encodes planar float audio that already sits in module memory of `wasm` (one pointer per channel,
 * `frames` f32 samples each, e.g. the buffer the augmentation chain worked on): nothing is copied
 * out to JavaScript. Same bytes as {@link encodeFlac} on the same samples. Rejects with
 * {@link AudioCodecError} on bad input or an encoder failure.
 */
export async function encodeFlacAt(
  wasm: SousaWasm,
  channelPtrs: readonly number[],
  frames: number,
  opts?: Partial<Omit<FlacEncodeOptions, 'wasm'>>,
): Promise<Uint8Array> {
  const o: FlacEncodeOptions = { ...DEFAULT_FLAC_ENCODE_OPTIONS, ...opts };
  if (!Array.isArray(channelPtrs) || channelPtrs.length < 1 || channelPtrs.length > 8) {
    throw new AudioCodecError('FLAC_INPUT_INVALID', `expected 1-8 channel pointers, got ${Array.isArray(channelPtrs) ? channelPtrs.length : typeof channelPtrs}`);
  }
  const size = wasm.memory.buffer.byteLength;
  if (!(Number.isInteger(frames) && frames >= 1)) throw new AudioCodecError('FLAC_INPUT_INVALID', `expected at least 1 frame, got ${frames}`);
  channelPtrs.forEach((p, i) => {
    if (!(Number.isInteger(p) && p > 0 && p % 4 === 0 && p + frames * 4 <= size)) {
      throw new AudioCodecError('FLAC_INPUT_INVALID', `expected channel ${i} at a 4-byte aligned pointer with ${frames} frames inside module memory, got ${p}`);
    }
  });
  checkEncodeOptions(o);
  const flac = await loadLibFlac();
  return encodeFromMemory(flac, wasm, channelPtrs.length, frames, o, (c, start) => channelPtrs[c]! + start * 4);
}

/**
 * Quantises and encodes chunk by chunk: each channel's chunk goes through the `quantizePcm` kernel
 * (the same rule as {@link quantizePcm}, SIMD) into module memory, and libFLAC copies it from there.
 */
function encodeChannels(flac: LibFlac, wasm: SousaWasm, channels: readonly Float32Array[], o: FlacEncodeOptions): Uint8Array {
  const src = wasm.alloc(Math.min(ENCODE_CHUNK_FRAMES, channels[0]!.length) * 4);
  try {
    return encodeFromMemory(flac, wasm, channels.length, channels[0]!.length, o, (c, start, n) => {
      wasm.f32(src, n).set(channels[c]!.subarray(start, start + n));
      return src;
    });
  } finally {
    wasm.free(src);
  }
}

/**
 * The encoder loop: `source(c, start, n)` returns where frames [start, start + n) of channel c are
 * in module memory (as f32); they are quantised into per-channel blocks that libFLAC copies.
 */
function encodeFromMemory(
  flac: LibFlac,
  wasm: SousaWasm,
  channelCount: number,
  frames: number,
  o: FlacEncodeOptions,
  source: (c: number, start: number, n: number) => number,
): Uint8Array {
  const chunkFrames = Math.min(ENCODE_CHUNK_FRAMES, frames);
  const dst: number[] = [];
  for (let c = 0; c < channelCount; c++) dst.push(wasm.alloc(chunkFrames * 4));
  const top = fullScale(o.bitsPerSample);
  try {
    return encodeChunks(flac, channelCount, frames, o, (start, n) => {
      const blocks: Int32Array<ArrayBuffer>[] = [];
      for (let c = 0; c < channelCount; c++) {
        const from = source(c, start, n);
        const bad = wasm.exports.quantizePcm(from, dst[c]!, n, top);
        if (bad >= 0) {
          const value = wasm.f32(from + bad * 4, 1)[0];
          throw new AudioCodecError('PCM_NOT_FINITE', `expected finite samples, got ${value} at frame ${start + bad}${channelCount > 1 ? ` of channel ${c}` : ''}`);
        }
      }
      // Views made after every call that could grow memory.
      for (let c = 0; c < channelCount; c++) blocks.push(new Int32Array(wasm.memory.buffer as ArrayBuffer, dst[c]!, n));
      return blocks;
    });
  } finally {
    for (const p of dst) wasm.free(p);
  }
}

function encodeChunks(
  flac: LibFlac,
  channelCount: number,
  frames: number,
  o: FlacEncodeOptions,
  chunk: (start: number, n: number) => Int32Array<ArrayBuffer>[],
): Uint8Array {
  const level = o.compressionLevel as Parameters<LibFlac['create_libflac_encoder']>[3];
  const encoder = flac.create_libflac_encoder(o.sampleRateHz, channelCount, o.bitsPerSample, level, frames, false);
  if (!encoder) {
    throw new AudioCodecError(
      'FLAC_ENCODER_FAILED',
      `libFLAC refused the stream parameters (${channelCount} ch, ${o.bitsPerSample} bit, ${o.sampleRateHz} Hz, level ${o.compressionLevel})`,
    );
  }
  const chunks: Uint8Array[] = [];
  let meta: StreamMetadata | undefined;
  try {
    const status = flac.init_encoder_stream(
      encoder,
      (data: Uint8Array) => {
        chunks.push(data);
      },
      (m: unknown) => {
        if (m !== undefined && m !== null) meta = m as StreamMetadata;
      },
    );
    if (status !== 0) throw new AudioCodecError('FLAC_ENCODER_FAILED', `libFLAC encoder init failed with status ${status}`);
    for (let start = 0; start < frames; start += ENCODE_CHUNK_FRAMES) {
      const n = Math.min(ENCODE_CHUNK_FRAMES, frames - start);
      if (!flac.FLAC__stream_encoder_process(encoder, chunk(start, n), n)) {
        throw new AudioCodecError(
          'FLAC_ENCODER_FAILED',
          `libFLAC failed at frame ${start} with encoder state ${flac.FLAC__stream_encoder_get_state(encoder)}`,
        );
      }
    }
    if (!flac.FLAC__stream_encoder_finish(encoder)) {
      throw new AudioCodecError('FLAC_ENCODER_FAILED', `libFLAC failed to finish with encoder state ${flac.FLAC__stream_encoder_get_state(encoder)}`);
    }
  } finally {
    flac.FLAC__stream_encoder_delete(encoder);
  }
  const bytes = concat(chunks);
  if (meta === undefined || !/^[0-9a-f]{32}$/.test(meta.md5sum)) {
    throw new AudioCodecError('FLAC_ENCODER_FAILED', `expected libFLAC's final STREAMINFO with an MD5, got ${meta === undefined ? 'none' : JSON.stringify(meta.md5sum)}`);
  }
  patchStreamInfo(bytes, frames, meta);
  return bytes;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Byte offset of STREAMINFO's body: after "fLaC" and the 4-byte metadata block header. */
const STREAMINFO_BODY = 8;
const STREAMINFO_LENGTH = 34;

function checkStreamInfoHeader(bytes: Uint8Array): void {
  if (bytes.length < STREAMINFO_BODY + STREAMINFO_LENGTH || String.fromCharCode(...bytes.subarray(0, 4)) !== 'fLaC') {
    throw new AudioCodecError('FLAC_INVALID', `expected a FLAC stream starting with "fLaC" and STREAMINFO, got ${bytes.length} bytes`);
  }
  const type = bytes[4]! & 0x7f;
  const length = (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!;
  if (type !== 0 || length !== STREAMINFO_LENGTH) {
    throw new AudioCodecError('FLAC_INVALID', `expected STREAMINFO (type 0, 34 bytes) as the first metadata block, got type ${type}, ${length} bytes`);
  }
}

function patchStreamInfo(bytes: Uint8Array, frames: number, meta: StreamMetadata): void {
  checkStreamInfoHeader(bytes);
  const b = STREAMINFO_BODY;
  const put24 = (at: number, v: number) => {
    bytes[at] = (v >>> 16) & 0xff;
    bytes[at + 1] = (v >>> 8) & 0xff;
    bytes[at + 2] = v & 0xff;
  };
  put24(b + 4, meta.min_framesize);
  put24(b + 7, meta.max_framesize);
  // total samples: 36 bits, the top 4 sharing byte 13 with the bits-per-sample field.
  const high = Math.floor(frames / 2 ** 32);
  bytes[b + 13] = (bytes[b + 13]! & 0xf0) | (high & 0x0f);
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(b + 14, frames >>> 0, false);
  for (let i = 0; i < 16; i++) bytes[b + 18 + i] = parseInt(meta.md5sum.slice(2 * i, 2 * i + 2), 16);
}

/** Reads the STREAMINFO block of a FLAC file; throws {@link AudioCodecError} if there is none. */
export function readFlacStreamInfo(bytes: Uint8Array): FlacStreamInfo {
  checkStreamInfoHeader(bytes);
  const b = STREAMINFO_BODY;
  const u = (i: number) => bytes[b + i]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let md5 = '';
  for (let i = 0; i < 16; i++) md5 += u(18 + i).toString(16).padStart(2, '0');
  return {
    minBlockSize: (u(0) << 8) | u(1),
    maxBlockSize: (u(2) << 8) | u(3),
    minFrameSize: (u(4) << 16) | (u(5) << 8) | u(6),
    maxFrameSize: (u(7) << 16) | (u(8) << 8) | u(9),
    sampleRateHz: (u(10) << 12) | (u(11) << 4) | (u(12) >> 4),
    channels: ((u(12) >> 1) & 0x07) + 1,
    bitsPerSample: (((u(12) & 0x01) << 4) | (u(13) >> 4)) + 1,
    totalSamples: (u(13) & 0x0f) * 2 ** 32 + dv.getUint32(b + 14, false),
    md5,
  };
}

/**
 * Zero bytes appended before decoding (see decodeFlac). A frame is at least its header + 3 bytes,
 * so 6 give the parser its header + 8 look-ahead at the last frame; 16 leave a margin.
 */
const DECODE_PADDING_BYTES = 16;

/**
 * Decodes a FLAC file. Needs the optional package `@wasm-audio-decoders/flac` (a dev dependency of
 * this package); rejects with {@link AudioCodecError} when it is missing or the stream is corrupt.
 */
export async function decodeFlac(bytes: Uint8Array): Promise<DecodedFlac> {
  const info = readFlacStreamInfo(bytes);
  const Decoder = await loadFlacDecoder();
  const decoder = new Decoder();
  try {
    await decoder.ready;
    // codec-parser (inside the decoder) accepts a frame header only when header + 8 more bytes
    // follow it, so a short last frame (a few bytes, e.g. silence) waits for data that never
    // comes; at the end it is glued onto the frame before (the CRC-16 of two whole frames checks
    // too) and libFLAC decodes only the first: up to a block of samples was silently lost. Zero
    // padding supplies the look-ahead; the parser then appends the zeros to the last frame, where
    // they leave its CRC-16 valid and are ignored.
    const padded = new Uint8Array(bytes.length + DECODE_PADDING_BYTES);
    padded.set(bytes);
    const r = await decoder.decodeFile(padded);
    if (r.errors.length > 0) {
      throw new AudioCodecError('FLAC_DECODE_FAILED', `FLAC stream has ${r.errors.length} corrupt frame(s): ${r.errors[0]!.message}`);
    }
    if (info.totalSamples !== 0 && r.samplesDecoded !== info.totalSamples) {
      throw new AudioCodecError('FLAC_DECODE_FAILED', `expected ${info.totalSamples} frames (STREAMINFO), decoded ${r.samplesDecoded}`);
    }
    const channels = r.channelData.map((ch) => ch.slice(0, r.samplesDecoded));
    // The decoder returns int / (2^(bits-1) - 1) rounded to float32; that rounding is at most
    // 2^-25 relative (a quarter of a 24-bit step at full scale), so rounding back is exact.
    const top = fullScale(r.bitDepth);
    return {
      channels,
      pcm: channels.map((ch) => Int32Array.from(ch, (v) => Math.round(v * top))),
      sampleRateHz: r.sampleRate,
      bitsPerSample: r.bitDepth,
      frames: r.samplesDecoded,
    };
  } finally {
    decoder.free();
  }
}
