/**
 * The soundfonts a run renders with: the built-in kits (synthesised on first use, memoised per
 * realm) plus any user SF2/SF3 files, each checked before generation starts and identified by
 * its 8-character stem (the sample-id part) and the SHA-256 of its bytes (the configuration
 * records it, so a resume or a merge with different soundfont files is refused).
 */
import { SynthError } from '../errors.js';
import { KIT_NAMES, DEFAULT_KIT_SEED, synthesizeKitSf2 } from './kits/index.js';
import { parseSf2Summary, type Sf2Summary } from './sf2.js';

/** A soundfont ready to load into a renderer. */
export interface SoundfontSource {
  /** Stem used in sample ids and the `soundfont` column (lowercase, ≤ 8 characters). */
  name: string;
  /** `builtin` or the file name it came from (for messages only). */
  origin: string;
  bytes: Uint8Array;
  /** Preset bank/program and key that play its snare. */
  bank: number;
  program: number;
  key: number;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
  summary: Sf2Summary;
}

/** What the configuration records of a soundfont. */
export interface SoundfontRef {
  name: string;
  sha256: string;
}

/**
 * SOUSA's soundfont stem: the file stem without `_GM_GS`/`_GS`, with `_` and `-` removed,
 * lowercased, first 8 characters (e.g. `FluidR3_GM.sf2` → `fluidr3g`, `GeneralUser_GS.sf2` → `generalu`).
 */
export function soundfontStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.(sf2|sf3)$/i, '').replace(/_GM_GS$|_GS$/i, '');
  const s = stem.replace(/[_\-\s.]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
  return s.slice(0, 8) || 'sf';
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const builtinCache = new Map<string, Promise<SoundfontSource>>();

/** A built-in kit as a soundfont (synthesised once per realm). */
export function builtinSoundfont(name: string, seed: number = DEFAULT_KIT_SEED): Promise<SoundfontSource> {
  const key = `${name}/${seed}`;
  let p = builtinCache.get(key);
  if (!p) {
    p = (async () => {
      const bytes = synthesizeKitSf2(name, { seed });
      const summary = parseSf2Summary(bytes, `${name}.sf2`);
      return {
        name,
        origin: 'builtin',
        bytes,
        bank: summary.snare.bank,
        program: summary.snare.program,
        key: summary.snare.key,
        sha256: await sha256Hex(bytes),
        summary,
      };
    })();
    builtinCache.set(key, p);
  }
  return p;
}

/** Check a user soundfont file's bytes and describe it; throws SynthError naming the file. */
export async function userSoundfont(fileName: string, bytes: Uint8Array): Promise<SoundfontSource> {
  const summary = parseSf2Summary(bytes, fileName);
  return {
    name: soundfontStem(fileName),
    origin: fileName,
    bytes,
    bank: summary.snare.bank,
    program: summary.snare.program,
    key: summary.snare.key,
    sha256: await sha256Hex(bytes),
    summary,
  };
}

/** Built-in kit names, in their fixed order. */
export const BUILTIN_SOUNDFONT_NAMES: readonly string[] = KIT_NAMES;

/**
 * The soundfont list of a run: the chosen built-in kits, then user files; names must be unique
 * (two user files with the same stem are an error naming both).
 */
export async function collectSoundfonts(
  kits: readonly string[],
  userFiles: readonly { fileName: string; bytes: Uint8Array }[],
): Promise<SoundfontSource[]> {
  const out: SoundfontSource[] = [];
  for (const k of kits) {
    if (!KIT_NAMES.includes(k as (typeof KIT_NAMES)[number])) {
      throw new SynthError('KIT_UNKNOWN', `unknown built-in kit "${k}"; valid kits: ${KIT_NAMES.join(', ')} (or none)`);
    }
    out.push(await builtinSoundfont(k));
  }
  for (const f of userFiles) {
    const sf = await userSoundfont(f.fileName, f.bytes);
    const clash = out.find((o) => o.name === sf.name);
    if (clash) {
      throw new SynthError(
        'SOUNDFONT_DUPLICATE',
        `soundfont ${f.fileName} has the stem "${sf.name}", already used by ${clash.origin}; rename one of the files`,
      );
    }
    out.push(sf);
  }
  if (out.length === 0) {
    throw new SynthError('SOUNDFONT_MISSING', 'no soundfont to render with: use the built-in kits or --soundfont PATH');
  }
  return out;
}
