/**
 * Audio checks: FLAC integrity (STREAMINFO parsed here, frames decoded by
 * @wasm-audio-decoders/flac, which checks every frame's CRC; the decoded PCM is hashed and
 * compared with the MD5 in STREAMINFO, as `flac -t` does), levels, and the alignment of the
 * label onsets with the onsets found in the audio. SOUSA had no audio ↔ label check (§13 item 20).
 *
 * The decoder is imported lazily, so datasets without audio (and runtimes without the package)
 * never load it.
 */
import { ValidationError } from '../errors.js';
import type { StrokeRow } from './labels.js';
import { detectEnergyOnsets, matchLabelOnsets, mixToMono, type LabelOnsetMatch } from './onsets.js';
import { pearson } from './stats.js';

export interface StreamInfo {
  sampleRateHz: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel; 0 means unknown (allowed by the format). */
  totalSamples: number;
  /** Hex MD5 of the PCM; all zeros means not computed by the encoder. */
  md5: string;
  minBlockSize: number;
  maxBlockSize: number;
}

/** Parse the `fLaC` marker and the STREAMINFO block; returns a problem string instead of throwing. */
export function parseStreamInfo(bytes: Uint8Array): StreamInfo | string {
  if (bytes.length < 42) return `too short for a FLAC header (${bytes.length} bytes)`;
  if (bytes[0] !== 0x66 || bytes[1] !== 0x4c || bytes[2] !== 0x61 || bytes[3] !== 0x43) return 'no fLaC marker';
  const type = bytes[4]! & 0x7f;
  const len = (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!;
  if (type !== 0 || len !== 34) return `first metadata block must be STREAMINFO of 34 bytes, got type ${type} length ${len}`;
  const b = bytes.subarray(8, 42);
  const minBlockSize = (b[0]! << 8) | b[1]!;
  const maxBlockSize = (b[2]! << 8) | b[3]!;
  const sampleRateHz = (b[10]! << 12) | (b[11]! << 4) | (b[12]! >> 4);
  const channels = ((b[12]! >> 1) & 0x07) + 1;
  const bitsPerSample = (((b[12]! & 0x01) << 4) | (b[13]! >> 4)) + 1;
  const totalSamples = (b[13]! & 0x0f) * 2 ** 32 + ((b[14]! << 24) >>> 0) + (b[15]! << 16) + (b[16]! << 8) + b[17]!;
  let md5 = '';
  for (let i = 18; i < 34; i++) md5 += b[i]!.toString(16).padStart(2, '0');
  if (sampleRateHz === 0) return 'STREAMINFO sample rate is 0';
  return { sampleRateHz, channels, bitsPerSample, totalSamples, md5, minBlockSize, maxBlockSize };
}

export interface DecodedAudio {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRateHz: number;
  bitDepth: number;
  /** Frame errors reported by the decoder (CRC mismatch, lost sync…). */
  errors: string[];
}

export interface FlacDecoding {
  decode(bytes: Uint8Array): Promise<DecodedAudio>;
  free(): void;
}

const FLAC_TAIL_PADDING_BYTES = 64;

/** Load the FLAC decoder (lazily; throws ValidationError naming the package if it is not installed). */
export async function loadFlacDecoder(): Promise<FlacDecoding> {
  let mod: typeof import('@wasm-audio-decoders/flac');
  try {
    mod = await import('@wasm-audio-decoders/flac');
  } catch (cause) {
    throw new ValidationError(
      'FLAC_DECODER_MISSING',
      `checking FLAC files needs the package @wasm-audio-decoders/flac, which could not be loaded (${String(cause)}); install it with npm`,
      { cause },
    );
  }
  const decoder = new mod.FLACDecoder();
  await decoder.ready;
  return {
    async decode(bytes) {
      // decodeFile resets the decoder when it finishes (a new wasm instance), so no reset before it.
      // codec-parser (inside the decoder) drops a final frame of a few bytes (a block of digital
      // silence encodes to ~11 bytes) unless more bytes follow it; zero padding is not a frame, so
      // a truncated file still decodes short (measured: 118784 of 119970 samples without padding).
      const padded = new Uint8Array(bytes.length + FLAC_TAIL_PADDING_BYTES);
      padded.set(bytes);
      const r = await decoder.decodeFile(padded);
      return {
        channelData: r.channelData,
        samplesDecoded: r.samplesDecoded,
        sampleRateHz: r.sampleRate,
        bitDepth: r.bitDepth,
        errors: r.errors.map((e) => `${e.message} (frame ${e.frameNumber}, at byte ${e.inputBytes})`),
      };
    },
    free() {
      decoder.free();
    },
  };
}

// ---- MD5 (RFC 1321), incremental, for the STREAMINFO signature ----

const MD5_S = Uint8Array.from([7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]);
const MD5_K = Uint32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32));
const MD5_G = Uint8Array.from({ length: 64 }, (_, j) => (j < 16 ? j : j < 32 ? (5 * j + 1) % 16 : j < 48 ? (3 * j + 5) % 16 : (7 * j) % 16));

/** MD5 words are little-endian; on a little-endian host (all current JS engines) a block is read as Uint32 directly. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

export class Md5 {
  private h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  private buf = new Uint8Array(64);
  private bufLen = 0;
  private total = 0;
  private readonly w = new Uint32Array(16);

  update(data: Uint8Array): this {
    let i = 0;
    this.total += data.length;
    if (this.bufLen > 0) {
      const take = Math.min(64 - this.bufLen, data.length);
      this.buf.set(data.subarray(0, take), this.bufLen);
      this.bufLen += take;
      i = take;
      if (this.bufLen === 64) {
        this.block(this.buf, 0);
        this.bufLen = 0;
      }
    }
    for (; i + 64 <= data.length; i += 64) this.block(data, i);
    if (i < data.length) {
      this.buf.set(data.subarray(i), 0);
      this.bufLen = data.length - i;
    }
    return this;
  }

  private block(d: Uint8Array, o: number): void {
    const w = this.w;
    const at = d.byteOffset + o;
    if (LITTLE_ENDIAN && at % 4 === 0) w.set(new Uint32Array(d.buffer, at, 16));
    else for (let j = 0; j < 16; j++) w[j] = d[o + 4 * j]! | (d[o + 4 * j + 1]! << 8) | (d[o + 4 * j + 2]! << 16) | (d[o + 4 * j + 3]! << 24);
    const h = this.h;
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let dd = h[3]!;
    for (let j = 0; j < 64; j++) {
      const f = j < 16 ? (b & c) | (~b & dd) : j < 32 ? (dd & b) | (~dd & c) : j < 48 ? b ^ c ^ dd : c ^ (b | ~dd);
      const tmp = dd;
      dd = c;
      c = b;
      const x = (a + f + MD5_K[j]! + w[MD5_G[j]!]!) | 0;
      b = (b + ((x << MD5_S[j]!) | (x >>> (32 - MD5_S[j]!)))) | 0;
      a = tmp;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + dd) | 0;
  }

  hex(): string {
    const bits = this.total * 8;
    const pad = new Uint8Array(((this.bufLen < 56 ? 56 : 120) - this.bufLen) + 8);
    pad[0] = 0x80;
    const lenAt = pad.length - 8;
    for (let i = 0; i < 8; i++) pad[lenAt + i] = Math.floor(bits / 2 ** (8 * i)) & 0xff;
    const total = this.total;
    this.update(pad);
    this.total = total;
    let out = '';
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) out += ((this.h[i]! >>> (8 * j)) & 0xff).toString(16).padStart(2, '0');
    return out;
  }
}

/** MD5 of PCM decoded by @wasm-audio-decoders/flac, as FLAC computes it: interleaved signed little-endian integers of ceil(bps/8) bytes. */
export function pcmMd5(channels: readonly Float32Array[], samples: number, bitsPerSample: number): string {
  const bytesPer = Math.ceil(bitsPerSample / 8);
  const scale = 2 ** (bitsPerSample - 1);
  const md5 = new Md5();
  const nch = channels.length;
  // 4096 frames × channels × bytes is a multiple of 64, so every chunk but the last is whole blocks.
  const chunkFrames = 4096;
  const buf = new Uint8Array(chunkFrames * nch * bytesPer);
  for (let start = 0; start < samples; start += chunkFrames) {
    const end = Math.min(samples, start + chunkFrames);
    for (let c = 0; c < nch; c++) {
      const ch = channels[c]!;
      let p = c * bytesPer;
      const stride = nch * bytesPer;
      for (let i = start; i < end; i++, p += stride) {
        // The decoder returns int / (2^(b-1) - 1) for both signs (16-bit 16737 decodes to
        // 16737/32767; 24-bit -8388608 to -8388608/8388607), rounded to float32: multiplying back by
        // 2^(b-1) - 1 and rounding recovers the integer exactly (test/flac.test.ts, full-scale cases).
        const f = ch[i]!;
        const v = Math.round(f * (scale - 1));
        buf[p] = v & 0xff;
        if (bytesPer > 1) buf[p + 1] = (v >> 8) & 0xff;
        if (bytesPer > 2) buf[p + 2] = (v >> 16) & 0xff;
        if (bytesPer > 3) buf[p + 3] = (v >> 24) & 0xff;
      }
    }
    md5.update(buf.subarray(0, (end - start) * nch * bytesPer));
  }
  return md5.hex();
}

export interface FlacFileCheck {
  problems: string[];
  info: StreamInfo | null;
  decoded: DecodedAudio | null;
}

/** What samples.parquet says about a file's audio (NaN where it says nothing). */
export interface ExpectedAudio {
  /** duration_sec. */
  seconds: number;
  /** num_samples: frames per channel. */
  frames: number;
  /** sample_rate, Hz. */
  rateHz: number;
}

/** Parse, decode and verify one FLAC file against its STREAMINFO and its samples.parquet row. */
export async function checkFlacFile(bytes: Uint8Array, decoder: FlacDecoding, expected: ExpectedAudio, durationToleranceSec: number): Promise<FlacFileCheck> {
  const info = parseStreamInfo(bytes);
  if (typeof info === 'string') return { problems: [info], info: null, decoded: null };
  let decoded: DecodedAudio;
  try {
    decoded = await decoder.decode(bytes);
  } catch (e) {
    return { problems: [`does not decode (${e instanceof Error ? e.message : String(e)})`], info, decoded: null };
  }
  const problems: string[] = [];
  if (decoded.errors.length) problems.push(`${decoded.errors.length} frame error(s): ${decoded.errors[0]}`);
  if (info.totalSamples > 0 && decoded.samplesDecoded !== info.totalSamples) {
    problems.push(`decoded ${decoded.samplesDecoded} samples, STREAMINFO says ${info.totalSamples} (truncated?)`);
  }
  if (decoded.channelData.length !== info.channels) problems.push(`decoded ${decoded.channelData.length} channels, STREAMINFO says ${info.channels}`);
  if (!/^0+$/.test(info.md5) && problems.length === 0) {
    const md5 = pcmMd5(decoded.channelData, decoded.samplesDecoded, info.bitsPerSample);
    if (md5 !== info.md5) problems.push(`MD5 of the decoded audio ${md5} differs from STREAMINFO ${info.md5}`);
  }
  const seconds = decoded.samplesDecoded / info.sampleRateHz;
  if (Number.isFinite(expected.seconds) && Math.abs(seconds - expected.seconds) > durationToleranceSec) {
    problems.push(`lasts ${seconds.toFixed(3)} s, duration_sec says ${expected.seconds.toFixed(3)} s`);
  }
  if (Number.isFinite(expected.frames) && decoded.samplesDecoded !== expected.frames) {
    problems.push(`has ${decoded.samplesDecoded} frames, num_samples says ${expected.frames}`);
  }
  if (Number.isFinite(expected.rateHz) && info.sampleRateHz !== expected.rateHz) {
    problems.push(`sample rate ${info.sampleRateHz} Hz, sample_rate says ${expected.rateHz} Hz`);
  }
  return { problems, info, decoded };
}

export interface Levels {
  peakDbfs: number;
  rmsDbfs: number;
  /** Share of samples with |x| ≥ 0.999. */
  clippedFraction: number;
}

export function audioLevels(mono: Float32Array): Levels {
  let peak = 0;
  let ss = 0;
  let clipped = 0;
  for (let i = 0; i < mono.length; i++) {
    const a = Math.abs(mono[i]!);
    if (a > peak) peak = a;
    ss += a * a;
    if (a >= 0.999) clipped++;
  }
  const db = (x: number) => (x > 0 ? 20 * Math.log10(x) : -Infinity);
  return { peakDbfs: db(peak), rmsDbfs: db(Math.sqrt(ss / Math.max(1, mono.length))), clippedFraction: clipped / Math.max(1, mono.length) };
}

export interface AlignmentOptions {
  /** Onset match tolerance, ms. */
  toleranceMs: number;
  /** A label onset is checkable when the previous stroke started at least this many ms earlier. */
  isolationMs: number;
  /** … and no stroke of the preceding `maskingWindowMs` is louder than its velocity / `maskingVelocityRatio`. */
  maskingWindowMs: number;
  /** Velocity ratio below which a stroke counts as masked by a louder recent one (0–1). */
  maskingVelocityRatio: number;
  /** Window after an onset in which its peak amplitude is measured, ms. */
  peakWindowMs: number;
}

export const DEFAULT_ALIGNMENT_OPTIONS: Readonly<AlignmentOptions> = Object.freeze({
  toleranceMs: 5,
  isolationMs: 30,
  maskingWindowMs: 100,
  maskingVelocityRatio: 0.75,
  peakWindowMs: 15,
});

/** Strokes so close to the start that the detector has no signal before them to rise from, ms. */
const MIN_CHECKABLE_MS = 10;

export interface Alignment extends LabelOnsetMatch {
  detected: number;
  /** Pearson r of MIDI velocity and attack peak (dB) over the checkable strokes; NaN with < 3 strokes. */
  velocityPeakR: number;
}

/**
 * Label onsets an energy detector can be asked about: not a buzz bounce (a decaying re-strike
 * inside its primary's tail), not within `isolationMs` of the previous stroke (flam and drag
 * pairs), not masked by a clearly louder stroke of the last `maskingWindowMs` (a soft tap right
 * after an accent sits below the accent's tail: on the project's kits 2 of 3 such misses), and not
 * in the first 10 ms.
 */
export function checkableStrokes(rows: readonly StrokeRow[], opts: AlignmentOptions): StrokeRow[] {
  const byTime = [...rows].sort((a, b) => a.actualTimeMs - b.actualTimeMs);
  const out: StrokeRow[] = [];
  for (let i = 0; i < byTime.length; i++) {
    const r = byTime[i]!;
    if (r.isBuzzBounce || r.actualTimeMs < MIN_CHECKABLE_MS) continue;
    if (i > 0 && r.actualTimeMs - byTime[i - 1]!.actualTimeMs < opts.isolationMs) continue;
    let masked = false;
    for (let j = i - 1; j >= 0 && r.actualTimeMs - byTime[j]!.actualTimeMs < opts.maskingWindowMs; j--) {
      if (r.actualVelocity < opts.maskingVelocityRatio * byTime[j]!.actualVelocity) masked = true;
    }
    if (!masked) out.push(r);
  }
  return out;
}

/** Where the labels say strokes start, does the audio have onsets? (see {@link checkableStrokes}) */
export function alignOnsets(channels: readonly Float32Array[], sampleRateHz: number, rows: readonly StrokeRow[], opts: AlignmentOptions): Alignment {
  const mono = mixToMono(channels);
  const detected = detectEnergyOnsets(mono, sampleRateHz);
  const checkable = checkableStrokes(rows, opts);
  const m = matchLabelOnsets(
    checkable.map((r) => r.actualTimeMs),
    detected,
    opts.toleranceMs,
  );
  const vel: number[] = [];
  const peakDb: number[] = [];
  const win = Math.round((opts.peakWindowMs * sampleRateHz) / 1000);
  for (const r of checkable) {
    const a = Math.round((r.actualTimeMs * sampleRateHz) / 1000);
    let peak = 0;
    for (let i = Math.max(0, a); i < Math.min(mono.length, a + win); i++) peak = Math.max(peak, Math.abs(mono[i]!));
    if (peak > 0) {
      vel.push(r.actualVelocity);
      peakDb.push(20 * Math.log10(peak));
    }
  }
  return { ...m, detected: detected.length, velocityPeakR: vel.length >= 3 ? pearson(vel, peakDb) : Number.NaN };
}
