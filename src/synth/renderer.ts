/**
 * Offline rendering of drum notes with FluidSynth (libfluidsynth 2.4.6 in WebAssembly through
 * js-synthesizer), sample-exact: a note-on at frame F sounds from frame F.
 *
 * Invariants:
 * - Note-on frames are multiples of 64. FluidSynth applies events at its 64-frame block boundaries
 *   (FLUID_BUFSIZE), so we render up to each note frame and send the note-on there; the caller snaps
 *   onsets to this grid (performance/types.ts `ONSET_GRID_SAMPLES`), which keeps labels exact.
 * - Every call renders on a fresh FluidSynth instance that borrows the already-parsed soundfont.
 *   A reused instance is not clean: each voice slot keeps the output gain of the last note it
 *   played and ramps from it over the first block of the next one (fluid_rvoice_buffers
 *   `current_amp`), and all-notes-off / system reset do not clear it. Measured with TimGM6mb: the
 *   same note differed by up to 0.07 in its first 64 frames depending on what was rendered before.
 *   A new instance costs about 0.5 ms; parsing the SF2 (the expensive part) happens once.
 * - Drums play on MIDI channel 10 (index 9) in percussion mode. FluidSynth's reverb and chorus are
 *   off: room sound is the augmentation stage's job, with parameters that are recorded.
 */
import type { Synthesizer } from 'js-synthesizer';
import { SynthError } from '../errors.js';
import { ONSET_GRID_SAMPLES } from '../performance/types.js';
import { loadFluidSynth } from '../platform/fluidsynth.js';
import type { FluidSynthModule } from '../platform/fluidsynth.js';

/** MIDI channel index of the GM drum channel (channel 10). */
export const DRUM_CHANNEL = 9;
/** Peak below which a render counts as silent. */
export const SILENCE_PEAK = 1e-4;

/** Options fixed for the lifetime of a renderer. */
export interface RendererOptions {
  /** Output sample rate in Hz (default 44100). */
  sampleRateHz: number;
  /**
   * FluidSynth master gain, `synth.gain` (default 0.5, as SOUSA). An accent (velocity 127) of
   * TimGM6mb's snare then peaks at 0.27 and FluidR3's at 0.35, leaving room for overlapping strokes.
   */
  gain: number;
  /** Silence kept after the last voice has died, in seconds (default 0.3). */
  tailSec: number;
  /**
   * Longest sound kept after the last note-on, in seconds (default 4). Voices still sounding then
   * are faded out linearly over `tailSec` and cut, and the render is flagged `truncated`.
   */
  maxTailSec: number;
  /** Frames per FluidSynth render call, a multiple of 64 (default 4096: 128 frames are 40 % slower). */
  blockFrames: number;
  /**
   * Note length in ms for notes without `durationFrames` (default 100). A note-off starts the
   * release phase of the voice: with TimGM6mb's snare a note-off 1.5 ms after the hit changes the
   * sound by up to 0.02, one after 100 ms by 0.002. FluidSynth also releases a voice when its key
   * is struck again, so a note ends at the next note-on of its key at the latest, as in our MIDI files.
   */
  noteOffDelayMs: number;
  /** FluidSynth voice limit (default 256, FluidSynth's own); beyond it the oldest voices are stolen. */
  polyphony: number;
}

/** Defaults of {@link RendererOptions}. */
export const DEFAULT_RENDERER_OPTIONS: Readonly<RendererOptions> = Object.freeze({
  sampleRateHz: 44_100,
  gain: 0.5,
  tailSec: 0.3,
  maxTailSec: 4,
  blockFrames: 4096,
  noteOffDelayMs: 100,
  polyphony: 256,
});

/** One note to render. */
export interface RenderNote {
  /** Frame of the note-on from the start of the render, a multiple of 64. */
  frame: number;
  /** MIDI key 0-127 (GM acoustic snare: 38). */
  key: number;
  /** MIDI velocity 1-127. */
  velocity: number;
  /**
   * Frames from note-on to note-off, at least 1 (default: `noteOffDelayMs`); rounded up to the
   * 64-frame grid, and cut at the next note-on of the same key. Pass the MIDI file's note lengths
   * here so that the audio is what a player of that file renders.
   */
  durationFrames?: number;
}

/** Options of one render call. */
export interface RenderOptions {
  /** Name of a soundfont given to {@link createRenderer}. */
  soundfont: string;
  /** Output channels: 1 = mean of left and right (default), 2 = stereo. */
  channels?: 1 | 2;
  /** Preset bank (default 128, the SF2 percussion bank). */
  bank?: number;
  /** Preset program (default 0, GM "Standard" kit). */
  program?: number;
  /** Sample id quoted in error messages. */
  sampleId?: string;
}

/** Rendered audio. */
export interface RenderedAudio {
  /** One array per output channel, each exactly `frames` long and owned by the caller. */
  channels: Float32Array[];
  /** Frames per channel. */
  frames: number;
  /** Sample rate in Hz. */
  sampleRateHz: number;
  /** Voices were still sounding at `maxTailSec` and were faded out and cut. */
  truncated: boolean;
}

/** A preset of a loaded soundfont. */
export interface SoundfontPreset {
  bank: number;
  program: number;
  name: string;
}

/** A soundfont given to {@link createRenderer}. */
export interface SoundfontInput {
  /** Name used to select it in {@link RenderOptions.soundfont} and quoted in errors. */
  name: string;
  /** The SF2 file's bytes. */
  bytes: Uint8Array;
}

/** Renders note lists to audio with the soundfonts it was created with. */
export interface Renderer {
  /** The options in effect. */
  readonly options: Readonly<RendererOptions>;
  /** Names of the loaded soundfonts, in the order given. */
  readonly soundfonts: readonly string[];
  /** Presets of a loaded soundfont, sorted by bank then program. */
  presets(soundfont: string): readonly SoundfontPreset[];
  /** Renders `notes` (any order) and checks the result; throws {@link SynthError}. */
  render(notes: readonly RenderNote[], opts: RenderOptions): RenderedAudio;
  /** Frees the soundfonts and the synthesizer; the renderer cannot be used afterwards. */
  close(): void;
}

interface LoadedFont {
  name: string;
  /** fluid_sfont_t pointer, owned by the loader synthesizer. */
  sfont: number;
  presets: readonly SoundfontPreset[];
}

/**
 * Parses every soundfont once and returns a renderer. Throws {@link SynthError} for bad options,
 * duplicate names, or a file that is not a loadable SF2 (the message names the file).
 */
export async function createRenderer(
  soundfonts: readonly SoundfontInput[],
  opts?: Partial<RendererOptions>,
): Promise<Renderer> {
  const options = resolveOptions(opts);
  if (soundfonts.length === 0) {
    throw new SynthError('SOUNDFONT_MISSING', 'expected at least one soundfont, got none (in createRenderer)');
  }
  const names = new Set<string>();
  for (const sf of soundfonts) {
    if (typeof sf.name !== 'string' || sf.name === '') {
      throw new SynthError('SOUNDFONT_INVALID', `expected a non-empty soundfont name, got ${JSON.stringify(sf.name)}`);
    }
    if (names.has(sf.name)) {
      throw new SynthError('SOUNDFONT_DUPLICATE', `expected unique soundfont names, got "${sf.name}" twice`);
    }
    names.add(sf.name);
    checkSf2Header(sf.name, sf.bytes);
  }

  const { api, fluid } = await loadFluidSynth();
  // The loader instance only parses and owns the soundfonts; it never renders.
  const loader = new api.Synthesizer();
  loader.init(options.sampleRateHz);
  const fonts = new Map<string, LoadedFont>();
  try {
    for (const sf of soundfonts) fonts.set(sf.name, await loadFont(loader, fluid, sf));
  } catch (err) {
    loader.close();
    throw err;
  }
  return new FluidRenderer(options, fonts, loader, new api.Synthesizer(), fluid);
}

function resolveOptions(opts: Partial<RendererOptions> | undefined): Readonly<RendererOptions> {
  const o: RendererOptions = { ...DEFAULT_RENDERER_OPTIONS, ...opts };
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new SynthError('RENDERER_OPTIONS_INVALID', `${field} must be ${expected}, got ${String(got)} (in createRenderer options)`);
  };
  if (!Number.isInteger(o.sampleRateHz) || o.sampleRateHz < 8000 || o.sampleRateHz > 192_000) {
    bad('sampleRateHz', 'an integer 8000-192000', o.sampleRateHz);
  }
  if (!(o.gain > 0 && o.gain <= 10)) bad('gain', 'in (0, 10]', o.gain);
  if (!(o.tailSec >= 0 && o.tailSec <= 60)) bad('tailSec', '0-60', o.tailSec);
  if (!(o.maxTailSec > 0 && o.maxTailSec <= 600)) bad('maxTailSec', 'in (0, 600]', o.maxTailSec);
  if (!Number.isInteger(o.blockFrames) || o.blockFrames <= 0 || o.blockFrames % ONSET_GRID_SAMPLES !== 0 || o.blockFrames > 1 << 20) {
    bad('blockFrames', `a positive multiple of ${ONSET_GRID_SAMPLES} up to 1048576`, o.blockFrames);
  }
  if (!(o.noteOffDelayMs > 0 && o.noteOffDelayMs <= 60_000)) bad('noteOffDelayMs', 'in (0, 60000]', o.noteOffDelayMs);
  if (!Number.isInteger(o.polyphony) || o.polyphony < 1 || o.polyphony > 65_535) bad('polyphony', 'an integer 1-65535', o.polyphony);
  return Object.freeze(o);
}

/** Rejects bytes that are not an SF2 file, or are shorter than their RIFF header says. */
function checkSf2Header(name: string, bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) {
    throw new SynthError('SOUNDFONT_INVALID', `expected the bytes of soundfont "${name}" as a Uint8Array, got ${typeof bytes}`);
  }
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'sfbk') {
    const got = bytes.length < 12 ? `${bytes.length} bytes` : `"${printable(tag(0))}" and "${printable(tag(8))}"`;
    throw new SynthError(
      'SOUNDFONT_INVALID',
      `soundfont "${name}" is not an SF2 file: expected "RIFF" at byte 0 and "sfbk" at byte 8, got ${got}`,
    );
  }
  const declared = 8 + new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (bytes.length < declared) {
    throw new SynthError(
      'SOUNDFONT_TRUNCATED',
      `soundfont "${name}" is truncated: its RIFF header declares ${declared} bytes, got ${bytes.length}`,
    );
  }
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

async function loadFont(loader: Synthesizer, fluid: FluidSynthModule, sf: SoundfontInput): Promise<LoadedFont> {
  const whole = sf.bytes.byteOffset === 0 && sf.bytes.byteLength === sf.bytes.buffer.byteLength && sf.bytes.buffer instanceof ArrayBuffer;
  const buffer = whole ? (sf.bytes.buffer as ArrayBuffer) : sf.bytes.slice().buffer;
  let id: number;
  try {
    id = await loader.loadSFont(buffer);
  } catch (err) {
    // FluidSynth usually leaves its error string empty for a broken chunk structure.
    const why = err instanceof Error && err.message !== '' ? err.message : 'corrupt or incomplete SF2 chunks';
    throw new SynthError(
      'SOUNDFONT_LOAD_FAILED',
      `FluidSynth could not load soundfont "${sf.name}" (${sf.bytes.length} bytes): ${why}; expected a valid SF2 2.x file`,
      { cause: err },
    );
  }
  const sfont = fluid._fluid_synth_get_sfont_by_id(loader.getRawSynthesizer(), id);
  // Listed now: fluid_synth_add_sfont later renumbers the sfont, which breaks id lookups on the loader.
  const presets: SoundfontPreset[] = [];
  for (const p of loader.getSFontObject(id)?.getPresetIterable() ?? []) {
    presets.push({ bank: p.bankNum, program: p.num, name: p.name });
  }
  presets.sort((a, b) => a.bank - b.bank || a.program - b.program);
  if (sfont === 0 || presets.length === 0) {
    throw new SynthError('SOUNDFONT_LOAD_FAILED', `soundfont "${sf.name}" loaded but has no presets`);
  }
  return { name: sf.name, sfont, presets: Object.freeze(presets) };
}

interface NoteEvent {
  frame: number;
  on: boolean;
  key: number;
  velocity: number;
}

class FluidRenderer implements Renderer {
  readonly soundfonts: readonly string[];
  private closed = false;
  // Render scratch, grown on demand and reused: only [0, rendered) of a call is ever read.
  private left = new Float32Array(0);
  private right = new Float32Array(0);

  constructor(
    readonly options: Readonly<RendererOptions>,
    private readonly fonts: ReadonlyMap<string, LoadedFont>,
    private readonly loader: Synthesizer,
    // One js-synthesizer object re-initialised per call: init() creates a new fluid_synth, and its
    // heap render buffer (never freed by close()) is reused instead of leaking once per call.
    private readonly synth: Synthesizer,
    private readonly fluid: FluidSynthModule,
  ) {
    this.soundfonts = Object.freeze([...fonts.keys()]);
  }

  presets(soundfont: string): readonly SoundfontPreset[] {
    return this.font(soundfont, '').presets;
  }

  render(notes: readonly RenderNote[], opts: RenderOptions): RenderedAudio {
    if (this.closed) throw new SynthError('RENDERER_CLOSED', 'expected an open renderer, got one that was closed');
    const where = opts.sampleId === undefined ? '' : ` (sample ${opts.sampleId})`;
    const font = this.font(opts.soundfont, where);
    const bank = opts.bank ?? 128;
    const program = opts.program ?? 0;
    const channels = opts.channels ?? 1;
    if (channels !== 1 && channels !== 2) {
      throw new SynthError('RENDER_OPTIONS_INVALID', `channels must be 1 or 2, got ${String(channels)}${where}`);
    }
    if (this.fluid._fluid_sfont_get_preset(font.sfont, bank, program) === 0) {
      const have = font.presets.slice(0, 12).map((p) => `${p.bank}:${p.program} ${p.name}`);
      throw new SynthError(
        'PRESET_MISSING',
        `soundfont "${font.name}" has no preset bank ${bank} program ${program}${where}; ` +
          `it has ${font.presets.length}: ${have.join(', ')}${font.presets.length > 12 ? ', ...' : ''}`,
      );
    }
    const offDelayFrames = Math.max(1, Math.round((this.options.noteOffDelayMs * this.options.sampleRateHz) / 1000));
    const events = noteEvents(notes, offDelayFrames, where);
    const { left, right, rendered, truncated } = this.synthesize(font, bank, program, events);
    const preset = `bank ${bank} program ${program} of "${font.name}"`;
    return finish(left, right, rendered, truncated, channels, events, this.options, preset, where);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.synth.close();
    this.loader.close();
  }

  private font(name: string, where: string): LoadedFont {
    const font = this.fonts.get(name);
    if (font === undefined) {
      throw new SynthError(
        'SOUNDFONT_UNKNOWN',
        `expected one of the loaded soundfonts [${this.soundfonts.join(', ')}], got "${name}"${where}`,
      );
    }
    return font;
  }

  private synthesize(font: LoadedFont, bank: number, program: number, events: readonly NoteEvent[]) {
    const o = this.options;
    const lastOn = events.reduce((m, e) => (e.on ? Math.max(m, e.frame) : m), 0);
    const lastEvent = events[events.length - 1]?.frame ?? 0;
    const capFrame = Math.max(lastOn + Math.round(o.maxTailSec * o.sampleRateHz), lastEvent);
    this.ensureScratch(capFrame);
    const left = this.left;
    const right = this.right;
    const synth = this.synth;
    synth.init(o.sampleRateHz, {
      initialGain: o.gain,
      reverbActive: false,
      chorusActive: false,
      polyphony: o.polyphony,
    });
    const raw = synth.getRawSynthesizer();
    let added = false;
    let pos = 0;
    const renderTo = (target: number) => {
      while (pos < target) {
        const n = Math.min(o.blockFrames, target - pos);
        synth.render([left.subarray(pos, pos + n), right.subarray(pos, pos + n)]);
        pos += n;
      }
    };
    try {
      const id = this.fluid._fluid_synth_add_sfont(raw, font.sfont);
      if (id < 0) throw new SynthError('SOUNDFONT_LOAD_FAILED', `FluidSynth refused to use soundfont "${font.name}"`);
      added = true;
      synth.setChannelType(DRUM_CHANNEL, true);
      synth.midiProgramSelect(DRUM_CHANNEL, id, bank, program);
      for (const e of events) {
        renderTo(e.frame);
        if (e.on) synth.midiNoteOn(DRUM_CHANNEL, e.key, e.velocity);
        else synth.midiNoteOff(DRUM_CHANNEL, e.key);
      }
      while (this.fluid._fluid_synth_get_active_voice_count(raw) > 0 && pos < capFrame) {
        renderTo(Math.min(pos + o.blockFrames, capFrame));
      }
      const truncated = this.fluid._fluid_synth_get_active_voice_count(raw) > 0;
      return { left, right, rendered: pos, truncated };
    } finally {
      // The borrowed sfont must leave before the instance is deleted, or deletion would free it.
      if (added) this.fluid._fluid_synth_remove_sfont(raw, font.sfont);
      synth.close();
    }
  }

  private ensureScratch(frames: number): void {
    if (this.left.length >= frames) return;
    const size = Math.ceil(frames / this.options.blockFrames) * this.options.blockFrames;
    this.left = new Float32Array(size);
    this.right = new Float32Array(size);
  }
}

/** Validates the notes and returns note-on and note-off events in render order. */
function noteEvents(notes: readonly RenderNote[], offDelayFrames: number, where: string): NoteEvent[] {
  if (!Array.isArray(notes) || notes.length === 0) {
    throw new SynthError('NOTES_EMPTY', `expected at least one note to render, got none${where}`);
  }
  notes.forEach((n, i) => {
    if (!Number.isInteger(n.frame) || n.frame < 0 || n.frame % ONSET_GRID_SAMPLES !== 0) {
      throw new SynthError(
        'NOTE_OFF_GRID',
        `note ${i} frame must be a non-negative multiple of ${ONSET_GRID_SAMPLES} (FluidSynth starts notes on ` +
          `${ONSET_GRID_SAMPLES}-frame blocks; snap onsets first), got ${n.frame}${where}`,
      );
    }
    if (!Number.isInteger(n.key) || n.key < 0 || n.key > 127) {
      throw new SynthError('NOTE_INVALID', `note ${i} key must be an integer 0-127, got ${n.key}${where}`);
    }
    if (!Number.isInteger(n.velocity) || n.velocity < 1 || n.velocity > 127) {
      throw new SynthError('NOTE_INVALID', `note ${i} velocity must be an integer 1-127, got ${n.velocity}${where}`);
    }
    if (n.durationFrames !== undefined && !(Number.isInteger(n.durationFrames) && n.durationFrames >= 1)) {
      throw new SynthError('NOTE_INVALID', `note ${i} durationFrames must be an integer >= 1, got ${n.durationFrames}${where}`);
    }
  });
  const sorted = [...notes].sort((a, b) => a.frame - b.frame);
  const events: NoteEvent[] = [];
  const nextOnSameKey = new Map<number, number>();
  for (let i = sorted.length - 1; i >= 0; i--) {
    const n = sorted[i]!;
    const next = nextOnSameKey.get(n.key);
    // Note-offs land on the block grid too, so their effect is as exact as the note-ons'; a length
    // of at least one frame puts them at least one block after their own note-on.
    const off = alignUp(n.frame + (n.durationFrames ?? offDelayFrames));
    events.push({ frame: next === undefined ? off : Math.min(off, next), on: false, key: n.key, velocity: 0 });
    events.push({ frame: n.frame, on: true, key: n.key, velocity: n.velocity });
    nextOnSameKey.set(n.key, n.frame);
  }
  // At equal frames note-offs go first, so a re-struck key is released before it sounds again.
  return events.sort((a, b) => a.frame - b.frame || Number(a.on) - Number(b.on));
}

function alignUp(frame: number): number {
  return Math.ceil(frame / ONSET_GRID_SAMPLES) * ONSET_GRID_SAMPLES;
}

/** Trims or pads to the final length, fades a cut tail, mixes to mono if asked and checks levels. */
function finish(
  left: Float32Array,
  right: Float32Array,
  rendered: number,
  truncated: boolean,
  channels: 1 | 2,
  events: readonly NoteEvent[],
  o: Readonly<RendererOptions>,
  preset: string,
  where: string,
): RenderedAudio {
  const tailFrames = Math.round(o.tailSec * o.sampleRateHz);
  let frames: number;
  let copy: number;
  if (truncated) {
    frames = rendered;
    copy = rendered;
  } else {
    // Voices that have finished write exact zeros, so the last non-zero frame is where sound ends.
    let last = rendered - 1;
    while (last >= 0 && left[last] === 0 && right[last] === 0) last--;
    const lastOn = events.reduce((m, e) => (e.on ? Math.max(m, e.frame) : m), 0);
    const end = Math.max(last + 1, lastOn + 1);
    frames = end + tailFrames;
    copy = Math.min(end, rendered);
  }
  // A cut tail fades out linearly over the tail length: gain (fade - 1 - i) / fade, applied to
  // each channel (rounded to float32) before a mono mix.
  const fade = truncated ? Math.min(tailFrames, frames) : 0;
  const fadeFrom = frames - fade;
  const f32 = Math.fround;
  let out: Float32Array[];
  if (channels === 2) {
    const outL = new Float32Array(frames);
    const outR = new Float32Array(frames);
    outL.set(left.subarray(0, copy));
    outR.set(right.subarray(0, copy));
    for (let at = fadeFrom; at < frames; at++) {
      const g = (frames - 1 - at) / fade;
      outL[at] = outL[at]! * g;
      outR[at] = outR[at]! * g;
    }
    out = [outL, outR];
  } else {
    // (l + r) / 2 is exact in double for float32 inputs and equals l when the channels are equal.
    const mono = new Float32Array(frames);
    const plain = Math.min(copy, fadeFrom);
    for (let i = 0; i < plain; i++) mono[i] = (left[i]! + right[i]!) * 0.5;
    for (let at = fadeFrom; at < copy; at++) {
      const g = (frames - 1 - at) / fade;
      mono[at] = (f32(left[at]! * g) + f32(right[at]! * g)) * 0.5;
    }
    out = [mono];
  }
  let peak = 0;
  for (const ch of out) {
    for (let i = 0; i < frames; i++) {
      const v = Math.abs(ch[i]!);
      if (Number.isNaN(v)) {
        throw new SynthError('RENDER_NAN', `rendered audio has NaN at frame ${i}${where}; expected finite samples`);
      }
      if (v > peak) peak = v;
    }
  }
  if (peak >= 1) {
    throw new SynthError(
      'RENDER_CLIPPED',
      `rendered audio peaks at ${peak.toFixed(4)}${where}; expected below 1.0: lower the renderer gain (now ${o.gain}) or the velocities`,
    );
  }
  if (peak < SILENCE_PEAK) {
    throw new SynthError(
      'RENDER_SILENT',
      `rendered audio peaks at ${peak.toExponential(2)}${where}; expected at least ${SILENCE_PEAK}: ` +
        `${preset} may have no zone for keys [${[...new Set(events.map((e) => e.key))].sort((a, b) => a - b).join(', ')}]`,
    );
  }
  return { channels: out, frames, sampleRateHz: o.sampleRateHz, truncated };
}
