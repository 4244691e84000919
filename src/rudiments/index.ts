/**
 * The 40 PAS rudiments as data. Definitions live in ./definitions/NN_slug.yaml and are embedded
 * as text in ./embedded.ts (generated), parsed and validated on first use, then memoised.
 * No file access here: user definition files are read by src/platform and passed to
 * {@link parseRudimentYaml} or {@link parseRudimentFiles}.
 */

import { RudimentError } from '../errors.js';
import { EMBEDDED_RUDIMENT_FILES } from './embedded.js';
import { RUDIMENT_INVALID, parseRudimentYaml } from './schema.js';
import type { Rudiment } from './types.js';

export { parseRudimentYaml, parseBeatFraction, RUDIMENT_INVALID } from './schema.js';
export type { BeatFraction } from './schema.js';
export { expandPattern, strokesPerCycle } from './expand.js';
export type { StrokeCounts } from './expand.js';
export * from './types.js';

/** Error code for a slug or alias that names no rudiment. */
export const RUDIMENT_UNKNOWN = 'RUDIMENT_UNKNOWN';

const BUILT_IN_FILE = /^(\d\d)_([a-z0-9_]+)\.yaml$/;

/**
 * Canonical slugs of the built-in rudiments in PAS order. Taken from the embedded file names
 * (`NN_slug.yaml`, checked against the file contents by {@link loadRudiments}), so reading it
 * does not parse any YAML.
 */
export const RUDIMENT_SLUGS: readonly string[] = Object.freeze(
  Object.keys(EMBEDDED_RUDIMENT_FILES)
    .sort()
    .map((name) => BUILT_IN_FILE.exec(name)?.[2] ?? name),
);

/**
 * Parse several definition files (file name -> YAML text) into one library sorted by PAS number.
 * Besides each file's own rules, checks that PAS numbers, slugs and aliases are unique across files.
 * Throws {@link RudimentError} (`RUDIMENT_INVALID`).
 */
export function parseRudimentFiles(files: Readonly<Record<string, string>>): readonly Rudiment[] {
  const names = Object.keys(files).sort();
  const rudiments = names.map((name) => parseRudimentYaml(files[name] ?? '', name));
  const byPas = new Map<number, string>();
  const byName = new Map<string, string>();
  const problems: string[] = [];
  rudiments.forEach((r, i) => {
    const file = names[i] ?? '';
    const otherPas = byPas.get(r.pasNumber);
    if (otherPas !== undefined) {
      problems.push(`pas_number must be unique, got ${r.pasNumber} again (in ${file}; also in ${otherPas})`);
    }
    byPas.set(r.pasNumber, file);
    for (const [field, key] of [['slug', r.slug], ...r.aliases.map((a) => ['aliases', a] as const)] as const) {
      const other = byName.get(key);
      if (other !== undefined) {
        problems.push(`${field} must be unique among slugs and aliases, got "${key}" again (in ${file}; also in ${other})`);
      }
      byName.set(key, file);
    }
  });
  if (problems.length > 0) throw new RudimentError(RUDIMENT_INVALID, problems.join('\n'));
  return Object.freeze([...rudiments].sort((a, b) => a.pasNumber - b.pasNumber));
}

interface Library {
  readonly list: readonly Rudiment[];
  /** Slug or alias (lower case) -> rudiment. */
  readonly index: ReadonlyMap<string, Rudiment>;
}

let library: Library | null = null;

function builtIns(): Library {
  if (library !== null) return library;
  const list = parseRudimentFiles(EMBEDDED_RUDIMENT_FILES);
  // Built-in file names carry the PAS number and slug; RUDIMENT_SLUGS relies on them.
  for (const r of list) {
    const expected = `${String(r.pasNumber).padStart(2, '0')}_${r.slug}.yaml`;
    if (!(expected in EMBEDDED_RUDIMENT_FILES)) {
      throw new RudimentError(
        RUDIMENT_INVALID,
        `built-in definition file for PAS #${r.pasNumber} must be named ${expected} (slug ${r.slug})`,
      );
    }
  }
  const index = new Map<string, Rudiment>();
  for (const r of list) {
    index.set(r.slug, r);
    for (const a of r.aliases) index.set(a, r);
  }
  library = { list, index };
  return library;
}

/** The 40 built-in rudiments, sorted by PAS number. Parsed once, then memoised; deeply frozen. */
export function loadRudiments(): readonly Rudiment[] {
  return builtIns().list;
}

function unknownError(names: readonly string[]): RudimentError {
  const quoted = names.map((n) => JSON.stringify(n)).join(', ');
  return new RudimentError(
    RUDIMENT_UNKNOWN,
    `unknown rudiment ${quoted}: expected one of ${RUDIMENT_SLUGS.join(', ')} ` +
      '(hyphenated aliases such as single-paradiddle are accepted too)',
  );
}

/**
 * A built-in rudiment by slug or alias (`single_paradiddle`, `single-paradiddle`), ignoring case
 * and surrounding spaces. Throws {@link RudimentError} `RUDIMENT_UNKNOWN` listing the valid slugs.
 */
export function getRudiment(slugOrAlias: string): Rudiment {
  const r = builtIns().index.get(slugOrAlias.trim().toLowerCase());
  if (r === undefined) throw unknownError([slugOrAlias]);
  return r;
}

/**
 * Canonical slugs for a user's selection of slugs and aliases, in the order given, duplicates
 * removed (a rudiment named twice is selected once). Every unknown name is reported in one
 * {@link RudimentError} `RUDIMENT_UNKNOWN` listing the valid slugs.
 */
export function resolveRudimentSlugs(list: readonly string[]): string[] {
  const { index } = builtIns();
  const out: string[] = [];
  const unknown: string[] = [];
  for (const name of list) {
    const r = index.get(name.trim().toLowerCase());
    if (r === undefined) unknown.push(name);
    else if (!out.includes(r.slug)) out.push(r.slug);
  }
  if (unknown.length > 0) throw unknownError(unknown);
  return out;
}
