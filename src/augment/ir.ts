/**
 * Decoding of user impulse responses (`--ir-dir`): WAV (PCM 8/16/24/32-bit, float 32/64, plain or
 * WAVE_FORMAT_EXTENSIBLE) and FLAC (through @wasm-audio-decoders/flac), mixed down to mono and
 * resampled to the output rate. Bytes in, samples out: the platform code reads the files.
 */
import { decodeFlac } from '../audio/flac.js';
import { AugmentError } from '../errors.js';
import { resample } from './dsp.js';
import { ensureKernels } from './kernels.js';

/** A decoded multichannel file. */
interface Pcm {
  channels: Float32Array[];
  sampleRateHz: number;
}

function ascii(b: Uint8Array, at: number, len: number): string {
  let s = '';
  for (let i = 0; i < len && at + i < b.length; i++) s += String.fromCharCode(b[at + i]!);
  return s;
}

function unreadable(fileName: string, what: string): AugmentError {
  return new AugmentError('IR_UNREADABLE', `could not read impulse response "${fileName}": ${what}`);
}

const WAVE_PCM = 1;
const WAVE_FLOAT = 3;
const WAVE_EXTENSIBLE = 0xfffe;

/** Parses a RIFF/WAVE file into float channels. */
export function parseWav(bytes: Uint8Array, fileName: string): Pcm {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') {
    throw unreadable(fileName, 'expected a RIFF/WAVE header');
  }
  let format = -1;
  let channels = 0;
  let sampleRateHz = 0;
  let bits = 0;
  let blockAlign = 0;
  let data: Uint8Array | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at, 4);
    const size = dv.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw unreadable(fileName, `fmt chunk of ${size} bytes is truncated`);
      format = dv.getUint16(body, true);
      channels = dv.getUint16(body + 2, true);
      sampleRateHz = dv.getUint32(body + 4, true);
      blockAlign = dv.getUint16(body + 12, true);
      bits = dv.getUint16(body + 14, true);
      if (format === WAVE_EXTENSIBLE) {
        if (size < 40) throw unreadable(fileName, 'WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes');
        format = dv.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
    } else if (id === 'data') {
      if (format < 0) throw unreadable(fileName, 'data chunk before the fmt chunk');
      const end = body + size;
      if (end > bytes.length) throw unreadable(fileName, `data chunk claims ${size} bytes, the file has ${bytes.length - body} after its header`);
      data = bytes.subarray(body, end);
      break;
    }
    at = body + size + (size & 1); // chunks are padded to even sizes
  }
  if (format < 0) throw unreadable(fileName, 'no fmt chunk');
  if (data === undefined) throw unreadable(fileName, 'no data chunk');
  const pcmBits = [8, 16, 24, 32];
  const floatBits = [32, 64];
  if (!((format === WAVE_PCM && pcmBits.includes(bits)) || (format === WAVE_FLOAT && floatBits.includes(bits)))) {
    throw unreadable(fileName, `expected PCM 8/16/24/32-bit or float 32/64-bit samples, got format ${format} with ${bits} bits`);
  }
  if (channels < 1 || sampleRateHz < 1 || blockAlign !== channels * (bits / 8)) {
    throw unreadable(fileName, `inconsistent fmt chunk: ${channels} channels, ${sampleRateHz} Hz, ${bits} bits, block ${blockAlign} bytes`);
  }
  const frames = Math.floor(data.length / blockAlign);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  const dd = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const bytesPer = bits / 8;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      const p = f * blockAlign + c * bytesPer;
      let v: number;
      if (format === WAVE_FLOAT) v = bits === 32 ? dd.getFloat32(p, true) : dd.getFloat64(p, true);
      else if (bits === 8) v = (dd.getUint8(p) - 128) / 128;
      else if (bits === 16) v = dd.getInt16(p, true) / 32768;
      else if (bits === 24) v = (((dd.getUint8(p + 2) << 24) | (dd.getUint8(p + 1) << 16) | (dd.getUint8(p) << 8)) >> 8) / 8388608;
      else v = dd.getInt32(p, true) / 2147483648;
      out[c]![f] = v;
    }
  }
  return { channels: out, sampleRateHz };
}

/**
 * Decodes an impulse-response file (WAV or FLAC, recognised by its magic bytes, not its name) to
 * mono samples at `targetSampleRateHz` (mean of the channels; resampled with the linear-phase
 * resampler when the file's rate differs). Throws {@link AugmentError} naming the file when it is
 * empty, not audio, unreadable, silent or holds non-finite samples.
 */
export async function decodeImpulseResponse(bytes: Uint8Array, fileName: string, targetSampleRateHz = 44_100): Promise<Float32Array> {
  if (bytes.length === 0) throw new AugmentError('IR_EMPTY', `expected audio in impulse response "${fileName}", the file is empty`);
  let pcm: Pcm;
  const magic = ascii(bytes, 0, 4);
  if (magic === 'RIFF') {
    pcm = parseWav(bytes, fileName);
  } else if (magic === 'fLaC') {
    try {
      const d = await decodeFlac(bytes);
      // Integer samples over 2^(bits-1), the WAV convention above (the decoder's floats use 2^(bits-1) - 1).
      const scale = 1 / 2 ** (d.bitsPerSample - 1);
      pcm = { channels: d.pcm.map((ch) => Float32Array.from(ch, (v) => v * scale)), sampleRateHz: d.sampleRateHz };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new AugmentError('IR_UNREADABLE', `could not read impulse response "${fileName}": FLAC decoding failed: ${msg}`, { cause: err });
    }
  } else {
    const shown = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new AugmentError(
      'IR_NOT_AUDIO',
      `expected a WAV (RIFF) or FLAC (fLaC) impulse response, got a file starting with bytes ${shown} ("${fileName}")`,
    );
  }
  const frames = pcm.channels[0]?.length ?? 0;
  if (frames === 0) throw new AugmentError('IR_EMPTY', `expected audio in impulse response "${fileName}", got 0 frames`);
  const mono = new Float32Array(frames);
  const k = 1 / pcm.channels.length;
  let peak = 0;
  for (let i = 0; i < frames; i++) {
    let s = 0;
    for (const ch of pcm.channels) s += ch[i]!;
    const v = s * k;
    if (!Number.isFinite(v)) throw new AugmentError('IR_NOT_FINITE', `expected finite samples in impulse response "${fileName}", got ${v} at frame ${i}`);
    mono[i] = v;
    peak = Math.max(peak, Math.abs(v));
  }
  if (peak === 0) throw new AugmentError('IR_EMPTY', `expected a non-silent impulse response in "${fileName}", got ${frames} frames of silence`);
  if (pcm.sampleRateHz === targetSampleRateHz) return mono;
  if (!Number.isInteger(pcm.sampleRateHz) || pcm.sampleRateHz < 1000) {
    throw unreadable(fileName, `expected a sample rate of at least 1000 Hz, got ${pcm.sampleRateHz}`);
  }
  const wasm = await ensureKernels();
  try {
    return resample(mono, pcm.sampleRateHz, targetSampleRateHz, { wasm });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new AugmentError('IR_UNREADABLE', `could not resample impulse response "${fileName}" from ${pcm.sampleRateHz} Hz: ${msg}`, { cause: err });
  }
}
