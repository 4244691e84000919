/**
 * SF2 validation before rendering: is this a SoundFont 2 file, is it whole, and which preset and
 * keys play a snare? Reads the RIFF structure and the preset/instrument/sample headers (pdta) only;
 * sample data is checked for bounds, never decoded. Pure: bytes in, summary out.
 *
 * Choice of snare (GM: channel 10 plays bank 128):
 * 1. a bank-128 preset with a sample on key 38 or 40, program 0 first (the GM standard kit);
 * 2. otherwise a drum-only font that keeps its kit on an ordinary bank, program 0 of bank 0
 *    first: accepted if the preset looks like percussion (its name says so, or every zone on the
 *    snare key is unpitched (scaleTuning 0) or one key wide). The renderer must then select that
 *    bank/program explicitly, because FluidSynth's drum channel only looks at bank 128; the
 *    choice is reported in `notes` for the caller to log.
 */
import { SynthError } from '../errors.js';

/** GM percussion keys that play a snare, in order of preference. */
export const SF2_SNARE_KEYS = [38, 40] as const;
/** GM side stick, reported when present. */
export const SF2_SIDE_STICK_KEY = 37;

/** One preset of the file. */
export interface Sf2PresetSummary {
  /** Preset name (phdr). */
  name: string;
  /** MIDI bank (128 = GM percussion). */
  bank: number;
  /** MIDI program 0..127. */
  program: number;
  /** Keys 0..127 that sound a sample at some velocity, ascending. */
  keys: number[];
}

/** How one key of the chosen preset is built. */
export interface Sf2KeySummary {
  /** MIDI key. */
  key: number;
  /** Velocities 1..127 that sound at least one sample. */
  velocityCoverage: number;
  /** Distinct samples the key can play over all velocities. */
  sampleCount: number;
  /** Runs of consecutive velocities that play the same samples (1: one sample set for all). */
  velocityRegions: number;
}

/** The preset and key to render a snare with. */
export interface Sf2SnareChoice {
  /** MIDI bank of the chosen preset. */
  bank: number;
  /** MIDI program of the chosen preset. */
  program: number;
  /** Its name. */
  presetName: string;
  /** The key to play: 38 when it sounds, else 40. */
  key: number;
  /** Keys 38 and 40 (those that sound) and 37 when present, with their layering. */
  keys: Sf2KeySummary[];
  /** True when the kit is on the GM percussion bank (128), false for a drum-only font's bank. */
  onPercussionBank: boolean;
  /** One sentence saying why this preset was chosen. */
  reason: string;
}

/** What {@link parseSf2Summary} found. */
export interface Sf2Summary {
  /** The name the caller gave (used in every message). */
  fileName: string;
  /** INFO/INAM, or '' when absent. */
  name: string;
  /** INFO/ifil as "major.minor" (2.1, 2.4; 3.x for SF3), or '' when absent. */
  version: string;
  /** Sample headers, without the terminal record. */
  sampleCount: number;
  /** Size of the smpl chunk, bytes. */
  sampleDataBytes: number;
  /** Presets sorted by bank, then program. */
  presets: Sf2PresetSummary[];
  /** The snare to render. */
  snare: Sf2SnareChoice;
  /** Observations worth logging: fallback choices, compressed samples, trailing bytes. */
  notes: string[];
}

const GEN_KEY_RANGE = 43;
const GEN_VEL_RANGE = 44;
const GEN_INSTRUMENT = 41;
const GEN_SAMPLE_ID = 53;
const GEN_SCALE_TUNING = 56;
const SAMPLE_TYPE_COMPRESSED = 0x10;
const SAMPLE_TYPE_ROM = 0x8000;

const PDTA_RECORD_SIZES = {
  phdr: 38,
  pbag: 4,
  pmod: 10,
  pgen: 4,
  inst: 22,
  ibag: 4,
  imod: 10,
  igen: 4,
  shdr: 46,
} as const;
type PdtaName = keyof typeof PDTA_RECORD_SIZES;

const PERCUSSION_NAME = /drum|kit|snare|perc|rudiment|marching|pad|standard|room|power|jazz|brush|orchestra/i;

interface Chunk {
  id: string;
  /** Offset of the chunk's data. */
  offset: number;
  size: number;
}

interface Zone {
  gens: Map<number, number>;
  /** Index of the instrument (preset zones) or sample (instrument zones); null for a global zone. */
  target: number | null;
}

interface Range {
  lo: number;
  hi: number;
}

/**
 * Validate an SF2 file and find its snare. Throws `SynthError` naming `fileName` when the bytes
 * are not a RIFF/sfbk file (SF2_NOT_RIFF), are cut short (SF2_TRUNCATED), have inconsistent
 * headers (SF2_MALFORMED), hold no preset (SF2_NO_PRESETS) or no preset plays keys 38/40
 * (SF2_NO_SNARE).
 */
export function parseSf2Summary(bytes: Uint8Array, fileName: string): Sf2Summary {
  const where = `in ${fileName}`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const notes: string[] = [];
  const fourcc = (offset: number): string => String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);

  if (bytes.length < 12 || fourcc(0) !== 'RIFF' || fourcc(8) !== 'sfbk') {
    const got =
      bytes.length < 12
        ? `${bytes.length} bytes`
        : fourcc(0) === 'RIFF'
          ? `a RIFF '${printable(fourcc(8))}' file`
          : `first bytes "${printable(fourcc(0))}"`;
    throw new SynthError(
      'SF2_NOT_RIFF',
      `expected a SoundFont 2 file (RIFF form 'sfbk'), got ${got} (${where}); is it an SF2, not a WAV/SFZ/DLS or an HTML error page?`,
    );
  }
  const riffEnd = 8 + view.getUint32(4, true);
  if (riffEnd > bytes.length) {
    throw new SynthError(
      'SF2_TRUNCATED',
      `RIFF header says the file is ${riffEnd} bytes, it has ${bytes.length} (${where}); the file is truncated, download or copy it again`,
    );
  }
  if (riffEnd < bytes.length) notes.push(`${bytes.length - riffEnd} bytes after the RIFF chunk ignored`);

  const readChunks = (start: number, end: number, parent: string): Chunk[] => {
    const chunks: Chunk[] = [];
    let pos = start;
    while (pos + 8 <= end) {
      const id = fourcc(pos);
      const size = view.getUint32(pos + 4, true);
      if (pos + 8 + size > end) {
        throw new SynthError(
          'SF2_TRUNCATED',
          `chunk '${printable(id)}' in ${parent} at byte ${pos} says ${size} bytes, only ${end - pos - 8} remain (${where}); the file is truncated or corrupt`,
        );
      }
      chunks.push({ id, offset: pos + 8, size });
      pos += 8 + size + (size & 1);
    }
    return chunks;
  };
  const lists = new Map<string, Chunk[]>();
  for (const c of readChunks(12, riffEnd, 'RIFF')) {
    if (c.id !== 'LIST' || c.size < 4) continue;
    const type = fourcc(c.offset);
    lists.set(type, readChunks(c.offset + 4, c.offset + c.size, `LIST '${type}'`));
  }

  let name = '';
  let version = '';
  for (const c of lists.get('INFO') ?? []) {
    if (c.id === 'INAM') name = cString(bytes, c.offset, c.size);
    if (c.id === 'ifil' && c.size >= 4) version = `${view.getUint16(c.offset, true)}.${view.getUint16(c.offset + 2, true)}`;
  }
  const smpl = (lists.get('sdta') ?? []).find((c) => c.id === 'smpl');
  const sampleDataBytes = smpl?.size ?? 0;

  const pdta = lists.get('pdta');
  if (pdta === undefined) {
    throw new SynthError('SF2_MALFORMED', `no 'pdta' list (preset data) (${where}); not a usable SF2`);
  }
  const sub = {} as Record<PdtaName, Chunk>;
  for (const key of Object.keys(PDTA_RECORD_SIZES) as PdtaName[]) {
    const c = pdta.find((x) => x.id === key);
    const recordSize = PDTA_RECORD_SIZES[key];
    if (c === undefined || c.size % recordSize !== 0 || c.size < recordSize) {
      throw new SynthError(
        'SF2_MALFORMED',
        `pdta sub-chunk '${key}' must hold whole ${recordSize}-byte records (at least the terminal one), got ${c === undefined ? 'none' : `${c.size} bytes`} (${where})`,
      );
    }
    sub[key] = c;
  }
  const count = (key: PdtaName): number => sub[key].size / PDTA_RECORD_SIZES[key];

  // Sample headers (the last record is the terminal 'EOS').
  const sampleCount = count('shdr') - 1;
  const smplPoints = sampleDataBytes / 2;
  const sampleUsable: boolean[] = [];
  let compressed = 0;
  for (let i = 0; i < sampleCount; i++) {
    const o = sub.shdr.offset + i * 46;
    const start = view.getUint32(o + 20, true);
    const end = view.getUint32(o + 24, true);
    const type = view.getUint16(o + 44, true);
    if (type & SAMPLE_TYPE_ROM) {
      sampleUsable.push(false);
      continue;
    }
    if (type & SAMPLE_TYPE_COMPRESSED) {
      compressed++;
      sampleUsable.push(end > start && end <= sampleDataBytes);
      continue;
    }
    if (end > smplPoints || start >= end) {
      throw new SynthError(
        'SF2_MALFORMED',
        `sample ${i} '${cString(bytes, o, 20)}' spans points ${start}..${end}, the sample data has ${smplPoints} points (${where}); the file is corrupt`,
      );
    }
    sampleUsable.push(true);
  }
  if (compressed > 0) {
    notes.push(`${compressed} compressed (SF3) samples: FluidSynth needs its libsndfile build to play them`);
  }

  const readZones = (hdr: 'phdr' | 'inst', bag: 'pbag' | 'ibag', gen: 'pgen' | 'igen', targetGen: number): Zone[][] => {
    const hdrSize = PDTA_RECORD_SIZES[hdr];
    const bagIndexOffset = hdr === 'phdr' ? 24 : 20;
    const headers = count(hdr);
    const bags = count(bag);
    const gens = count(gen);
    const result: Zone[][] = [];
    const bagAt = (h: number): number => view.getUint16(sub[hdr].offset + h * hdrSize + bagIndexOffset, true);
    const genAt = (b: number): number => view.getUint16(sub[bag].offset + b * 4, true);
    for (let h = 0; h < headers - 1; h++) {
      const b0 = bagAt(h);
      const b1 = bagAt(h + 1);
      if (b1 < b0 || b1 > bags - 1) {
        throw new SynthError(
          'SF2_MALFORMED',
          `${hdr} record ${h} points at zones ${b0}..${b1 - 1}, the ${bag} chunk has ${bags - 1} (${where}); the file is corrupt`,
        );
      }
      const zones: Zone[] = [];
      for (let b = b0; b < b1; b++) {
        const g0 = genAt(b);
        const g1 = genAt(b + 1);
        if (g1 < g0 || g1 > gens - 1) {
          throw new SynthError(
            'SF2_MALFORMED',
            `${bag} zone ${b} points at generators ${g0}..${g1 - 1}, the ${gen} chunk has ${gens - 1} (${where}); the file is corrupt`,
          );
        }
        const map = new Map<number, number>();
        let target: number | null = null;
        for (let g = g0; g < g1; g++) {
          const o = sub[gen].offset + g * 4;
          const oper = view.getUint16(o, true);
          const amount = view.getUint16(o + 2, true);
          if (oper === targetGen) {
            target = amount;
            break; // the spec ignores generators after the instrument/sample one
          }
          map.set(oper, amount);
        }
        zones.push({ gens: map, target });
      }
      result.push(zones);
    }
    return result;
  };
  const presetZones = readZones('phdr', 'pbag', 'pgen', GEN_INSTRUMENT);
  const instrumentZones = readZones('inst', 'ibag', 'igen', GEN_SAMPLE_ID);

  const presetCount = count('phdr') - 1;
  if (presetCount === 0) {
    throw new SynthError('SF2_NO_PRESETS', `the file holds no presets (${where}); nothing can be played`);
  }

  interface Analysed {
    summary: Sf2PresetSummary;
    /** key -> velocity (0..127) -> sample ids. */
    layers: Map<number, Set<number>[]>;
    /** Every zone on a snare key is unpitched or one key wide. */
    percussiveZones: boolean;
  }
  const trackedKeys = new Set<number>([...SF2_SNARE_KEYS, SF2_SIDE_STICK_KEY]);
  const analysed: Analysed[] = [];
  for (let p = 0; p < presetCount; p++) {
    const o = sub.phdr.offset + p * 38;
    const presetName = cString(bytes, o, 20);
    const program = view.getUint16(o + 20, true);
    const bank = view.getUint16(o + 22, true);
    const keys = new Set<number>();
    const layers = new Map<number, Set<number>[]>();
    let percussiveZones = true;
    const zones = presetZones[p]!;
    const pGlobal = zones[0]?.target === null ? zones[0] : undefined;
    for (const pz of zones) {
      if (pz.target === null) continue;
      if (pz.target >= instrumentZones.length) {
        throw new SynthError(
          'SF2_MALFORMED',
          `preset '${presetName}' uses instrument ${pz.target}, the file has ${instrumentZones.length} (${where}); the file is corrupt`,
        );
      }
      const pKeys = rangeOf(pz, pGlobal, GEN_KEY_RANGE);
      const pVels = rangeOf(pz, pGlobal, GEN_VEL_RANGE);
      const izones = instrumentZones[pz.target]!;
      const iGlobal = izones[0]?.target === null ? izones[0] : undefined;
      for (const iz of izones) {
        if (iz.target === null) continue;
        if (iz.target >= sampleCount) {
          throw new SynthError(
            'SF2_MALFORMED',
            `an instrument zone of preset '${presetName}' uses sample ${iz.target}, the file has ${sampleCount} (${where}); the file is corrupt`,
          );
        }
        if (!sampleUsable[iz.target]) continue;
        const k = intersect(rangeOf(iz, iGlobal, GEN_KEY_RANGE), pKeys);
        const v = intersect(rangeOf(iz, iGlobal, GEN_VEL_RANGE), pVels);
        if (k === null || v === null) continue;
        const scaleTuning = iz.gens.get(GEN_SCALE_TUNING) ?? iGlobal?.gens.get(GEN_SCALE_TUNING) ?? 100;
        for (let key = k.lo; key <= k.hi; key++) {
          keys.add(key);
          if (!trackedKeys.has(key)) continue;
          if ((key === 38 || key === 40) && scaleTuning !== 0 && k.hi > k.lo) percussiveZones = false;
          let perVelocity = layers.get(key);
          if (perVelocity === undefined) {
            perVelocity = Array.from({ length: 128 }, () => new Set<number>());
            layers.set(key, perVelocity);
          }
          for (let vel = v.lo; vel <= v.hi; vel++) perVelocity[vel]!.add(iz.target);
        }
      }
    }
    analysed.push({
      summary: { name: presetName, bank, program, keys: [...keys].sort((a, b) => a - b) },
      layers,
      percussiveZones,
    });
  }

  const playsSnare = (a: Analysed): boolean => SF2_SNARE_KEYS.some((k) => keySummary(a.layers, k).velocityCoverage > 0);
  const byBankProgram = (a: Analysed, b: Analysed): number => a.summary.bank - b.summary.bank || a.summary.program - b.summary.program;
  const sorted = [...analysed].sort(byBankProgram);

  let chosen = sorted.find((a) => a.summary.bank === 128 && playsSnare(a));
  let reason = '';
  if (chosen !== undefined) {
    reason = `bank 128 program ${chosen.summary.program} '${chosen.summary.name}' is a GM percussion kit with a snare`;
  } else {
    const fallbacks = sorted.filter((a) => a.summary.bank !== 128 && playsSnare(a));
    chosen = fallbacks.find((a) => PERCUSSION_NAME.test(a.summary.name) || a.percussiveZones);
    if (chosen === undefined) {
      const melodic = fallbacks[0];
      throw new SynthError(
        'SF2_NO_SNARE',
        `no preset plays a snare: expected a bank-128 (GM percussion) preset with a sample on key 38 or 40, or a drum-only font's kit; ` +
          (melodic === undefined
            ? `got ${presetCount} presets, none sounding keys 38/40`
            : `got only pitched presets there, e.g. bank ${melodic.summary.bank} program ${melodic.summary.program} '${melodic.summary.name}'`) +
          ` (${where}); pass a GM soundfont or a drum kit`,
      );
    }
    reason =
      `no bank-128 kit plays keys 38/40; using bank ${chosen.summary.bank} program ${chosen.summary.program} ` +
      `'${chosen.summary.name}' as a drum-only font's kit (select it explicitly: the GM drum channel looks at bank 128)`;
    notes.push(reason);
  }

  const pick: Analysed = chosen;
  const keySummaries = [...SF2_SNARE_KEYS, SF2_SIDE_STICK_KEY]
    .map((k) => keySummary(pick.layers, k))
    .filter((k) => k.velocityCoverage > 0);
  const key = SF2_SNARE_KEYS.find((k) => keySummary(pick.layers, k).velocityCoverage > 0)!;
  return {
    fileName,
    name,
    version,
    sampleCount,
    sampleDataBytes,
    presets: sorted.map((a) => a.summary),
    snare: {
      bank: pick.summary.bank,
      program: pick.summary.program,
      presetName: pick.summary.name,
      key,
      keys: keySummaries,
      onPercussionBank: pick.summary.bank === 128,
      reason,
    },
    notes,
  };
}

function keySummary(layers: Map<number, Set<number>[]>, key: number): Sf2KeySummary {
  const perVelocity = layers.get(key);
  if (perVelocity === undefined) return { key, velocityCoverage: 0, sampleCount: 0, velocityRegions: 0 };
  const samples = new Set<number>();
  let coverage = 0;
  let regions = 0;
  let previous = '';
  for (let v = 1; v <= 127; v++) {
    const set = perVelocity[v]!;
    const signature = [...set].sort((a, b) => a - b).join(',');
    if (set.size > 0) {
      coverage++;
      for (const s of set) samples.add(s);
      if (signature !== previous) regions++;
    }
    previous = signature;
  }
  return { key, velocityCoverage: coverage, sampleCount: samples.size, velocityRegions: regions };
}

/** A zone's key or velocity range: its own generator, else the global zone's, else 0..127. */
function rangeOf(zone: Zone, global: Zone | undefined, gen: number): Range {
  const amount = zone.gens.get(gen) ?? global?.gens.get(gen);
  if (amount === undefined) return { lo: 0, hi: 127 };
  return { lo: amount & 0xff, hi: amount >> 8 };
}

function intersect(a: Range, b: Range): Range | null {
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi, 127);
  return lo <= hi ? { lo, hi } : null;
}

function cString(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = offset; i < offset + length && i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s.trim();
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}
