/**
 * A tiny SF2 soundfont built in memory for tests that cannot read Debian's soundfonts (browser) or
 * need a file whose every byte is known: one preset (bank 128, program 0, "Tiny Snare") whose one
 * zone plays a 0.3 s decaying noise-plus-tone hit at its original pitch on key 38.
 *
 * Only +, * and integer ops go into the samples (no Math.exp/sin), so every engine builds the same
 * bytes. Layout per SF2 2.01: RIFF sfbk { LIST INFO, LIST sdta { smpl }, LIST pdta { 9 sub-chunks } }.
 */

/** Frames of the one sample (0.3 s at 44.1 kHz). */
export const TINY_SF2_SAMPLE_FRAMES = 13_230;
/** Key on which the sample plays at its recorded pitch. */
export const TINY_SF2_KEY = 38;

export function tinySnareSf2(): Uint8Array {
  const samples = tinySnareSamples();
  const smpl = new Uint8Array((samples.length + 46) * 2); // SF2 requires 46 zero frames after each sample
  const sv = new DataView(smpl.buffer);
  samples.forEach((v, i) => sv.setInt16(i * 2, v, true));

  const info = list('INFO', [
    chunk('ifil', le16(2, 1)),
    chunk('isng', ascii('EMU8000', 8)),
    chunk('INAM', ascii('sousa-wasm tiny snare', 22)),
  ]);
  const sdta = list('sdta', [chunk('smpl', smpl)]);
  const pdta = list('pdta', [
    chunk('phdr', cat(presetHeader('Tiny Snare', 0, 128, 0), presetHeader('EOP', 0, 0, 1))),
    chunk('pbag', le16(0, 0, 1, 0)),
    chunk('pmod', new Uint8Array(10)),
    chunk('pgen', le16(41, 0, 0, 0)), // instrument 0, then the terminal record
    chunk('inst', cat(ascii('Tiny Snare', 20), le16(0), ascii('EOI', 20), le16(1))),
    chunk('ibag', le16(0, 0, 2, 0)),
    chunk('imod', new Uint8Array(10)),
    // keyRange 0-127 (lo, hi bytes), sampleID 0 (must be last), terminal
    chunk('igen', cat(le16(43), new Uint8Array([0, 127]), le16(53, 0, 0, 0))),
    chunk('shdr', cat(sampleHeader('tiny snare', samples.length), new Uint8Array(46))),
  ]);
  const body = cat(ascii('sfbk', 4), info, sdta, pdta);
  return cat(ascii('RIFF', 4), le32(body.length), body);
}

function tinySnareSamples(): Int16Array {
  const out = new Int16Array(TINY_SF2_SAMPLE_FRAMES);
  let seed = 0x9e3779b9 >>> 0;
  let env = 1;
  // Undamped two-pole resonator, y[n] = c*y[n-1] - y[n-2] with c = 2 - 3/2048 (exact in binary):
  // about 269 Hz, amplitude 0.78 from these start values.
  const c = 1.99853515625;
  let y1 = 0;
  let y2 = 0.03;
  for (let i = 0; i < out.length; i++) {
    seed ^= seed << 13;
    seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    seed >>>= 0;
    const noise = seed / 4294967296 - 0.5;
    const y = c * y1 - y2;
    y2 = y1;
    y1 = y;
    env *= 0.99965;
    // Three-frame linear fade-in keeps the first frames small but non-zero.
    const attack = i < 3 ? (i + 1) / 4 : 1;
    const v = Math.round((noise * 1.2 + y * 0.5) * env * attack * 32767 * 0.8);
    out[i] = Math.max(-32768, Math.min(32767, v));
  }
  return out;
}

function presetHeader(name: string, preset: number, bank: number, bagIndex: number): Uint8Array {
  return cat(ascii(name, 20), le16(preset, bank, bagIndex), le32(0, 0, 0));
}

function sampleHeader(name: string, frames: number): Uint8Array {
  const tail = new Uint8Array(6);
  tail[0] = TINY_SF2_KEY; // original pitch
  tail[1] = 0; // pitch correction
  new DataView(tail.buffer).setUint16(2, 0, true); // sample link
  new DataView(tail.buffer).setUint16(4, 1, true); // mono sample
  return cat(ascii(name, 20), le32(0, frames, 8, frames - 8, 44_100), tail);
}

function chunk(id: string, data: Uint8Array): Uint8Array {
  const pad = data.length % 2 === 1 ? new Uint8Array(1) : new Uint8Array(0);
  return cat(ascii(id, 4), le32(data.length), data, pad);
}

function list(type: string, chunks: Uint8Array[]): Uint8Array {
  return chunk('LIST', cat(ascii(type, 4), ...chunks));
}

function ascii(s: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < Math.min(s.length, size); i++) out[i] = s.charCodeAt(i);
  return out;
}

function le16(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint16(i * 2, v, true));
  return out;
}

function le32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint32(i * 4, v, true));
  return out;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
