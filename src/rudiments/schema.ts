/**
 * The rudiment definition file format (YAML) and its conversion into {@link Rudiment}.
 *
 * Shape is checked by a zod schema; musical rules (positions inside the cycle and strictly
 * increasing, diddles paired, tempo range ordered) by {@link checkSemantics}. Every problem becomes
 * a line of one {@link RudimentError} (`RUDIMENT_INVALID`) that names the file, the YAML line, the
 * field path and the expected form, so a user editing a definition can fix it without reading code.
 * Format reference: ./README.md.
 */

import * as z from 'zod';
import { LineCounter, isNode, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { RudimentError } from '../errors.js';
import { CATEGORIES, HANDS, ORNAMENTS } from './types.js';
import type { PrimaryStroke, Rudiment } from './types.js';

/** Error code for a definition that fails to parse or validate. */
export const RUDIMENT_INVALID = 'RUDIMENT_INVALID';

/** Slugs are SOUSA's: lower-case words joined by underscores. */
export const SLUG_PATTERN = /^[a-z0-9_]+$/;
/** Aliases may also use hyphens (SOUSAphone's slugs). */
export const ALIAS_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
/** Accepted tempo bounds, quarter-note BPM; outside this no human plays a snare rudiment. */
export const TEMPO_LIMITS_BPM = [20, 300] as const;

/**
 * An exact non-negative rational number of beats. Kept as integers so positions compare exactly
 * (1/3 + 1/3 + 1/3 must equal 1, which floating point does not promise).
 */
export interface BeatFraction {
  readonly num: number;
  readonly den: number;
}

// Bounds keep num·den cross products far below 2^53, so comparisons stay exact.
const MAX_FRACTION_TERM = 1_000_000;
const FRACTION_TEXT = /^\s*(\d+)\s*(?:\/\s*(\d+)\s*)?$/;

/**
 * Parse a beat position or length as written in a definition file: a non-negative integer
 * (YAML number or string) or a string `"a/b"` with b > 0. Returns null for anything else,
 * including decimals, which cannot express triplet positions exactly.
 */
export function parseBeatFraction(value: unknown): BeatFraction | null {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 && value <= MAX_FRACTION_TERM
      ? { num: value, den: 1 }
      : null;
  }
  if (typeof value !== 'string') return null;
  const m = FRACTION_TEXT.exec(value);
  if (!m) return null;
  const num = Number(m[1]);
  const den = m[2] === undefined ? 1 : Number(m[2]);
  if (den === 0 || num > MAX_FRACTION_TERM || den > MAX_FRACTION_TERM) return null;
  return { num, den };
}

/** a < b, exactly. */
function fractionLess(a: BeatFraction, b: BeatFraction): boolean {
  return a.num * b.den < b.num * a.den;
}

function fractionText(f: BeatFraction): string {
  return f.den === 1 ? String(f.num) : `${f.num}/${f.den}`;
}

// Expected-form phrases, reused in schema errors and semantic errors so both read alike.
const FORM = {
  document: 'a YAML mapping with the fields name, slug, pas_number, category, grid, cycle_beats, mirror, tempo_range_bpm, strokes',
  name: 'a non-empty string',
  slug: 'a string matching ^[a-z0-9_]+$ (e.g. "single_paradiddle")',
  aliases: 'a list of strings',
  alias: 'a string matching ^[a-z0-9][a-z0-9_-]*$ (e.g. "single-paradiddle")',
  pasNumber: 'an integer from 1 to 40',
  category: `one of ${CATEGORIES.join('|')}`,
  grid: 'a non-empty string describing the grid (e.g. "16th")',
  beats: 'a non-negative integer or a fraction string "a/b" (e.g. 0, 2, "1/6", "3/2")',
  cycleBeats: 'a positive integer or a fraction string "a/b" (e.g. 1, "3/2")',
  bool: 'true or false',
  tempoRange: `a list [min, max] of two integers from ${TEMPO_LIMITS_BPM[0]} to ${TEMPO_LIMITS_BPM[1]}`,
  tempo: `an integer from ${TEMPO_LIMITS_BPM[0]} to ${TEMPO_LIMITS_BPM[1]} (quarter-note BPM)`,
  notes: 'a one-line string',
  strokes: 'a non-empty list of strokes like { at: "1/4", hand: L }',
  stroke: 'a mapping like { at: "1/4", hand: L, accent: true }',
  hand: `one of ${HANDS.join('|')}`,
  diddle: '1 or 2 (first or second stroke of a same-hand double)',
  ornament: `one of ${ORNAMENTS.join('|')}`,
} as const;

const beatsSchema = z
  .union([z.number(), z.string()], { error: FORM.beats })
  .transform((value, ctx): BeatFraction => {
    const f = parseBeatFraction(value);
    if (f === null) {
      ctx.issues.push({ code: 'custom', message: FORM.beats, input: value });
      return z.NEVER;
    }
    return f;
  });

const tempoSchema = z
  .int({ error: FORM.tempo })
  .min(TEMPO_LIMITS_BPM[0], { error: FORM.tempo })
  .max(TEMPO_LIMITS_BPM[1], { error: FORM.tempo });

const strokeSchema = z.strictObject(
  {
    at: beatsSchema,
    hand: z.enum(HANDS, { error: FORM.hand }),
    accent: z.boolean({ error: FORM.bool }).default(false),
    diddle: z.literal([1, 2], { error: FORM.diddle }).optional(),
    buzz: z.boolean({ error: FORM.bool }).default(false),
    ornament: z.enum(ORNAMENTS, { error: FORM.ornament }).default('none'),
  },
  { error: FORM.stroke },
);

const fileSchema = z.strictObject(
  {
    name: z.string({ error: FORM.name }).trim().min(1, { error: FORM.name }),
    slug: z.string({ error: FORM.slug }).regex(SLUG_PATTERN, { error: FORM.slug }),
    aliases: z
      .array(z.string({ error: FORM.alias }).regex(ALIAS_PATTERN, { error: FORM.alias }), {
        error: FORM.aliases,
      })
      .default([]),
    pas_number: z.int({ error: FORM.pasNumber }).min(1, { error: FORM.pasNumber }).max(40, { error: FORM.pasNumber }),
    category: z.enum(CATEGORIES, { error: FORM.category }),
    grid: z.string({ error: FORM.grid }).trim().min(1, { error: FORM.grid }),
    cycle_beats: beatsSchema,
    mirror: z.boolean({ error: FORM.bool }),
    tempo_range_bpm: z.tuple([tempoSchema, tempoSchema], { error: FORM.tempoRange }),
    notes: z.string({ error: FORM.notes }).optional(),
    strokes: z.array(strokeSchema, { error: FORM.strokes }).min(1, { error: FORM.strokes }),
  },
  { error: FORM.document },
);

type ParsedFile = z.output<typeof fileSchema>;
type ParsedStroke = z.output<typeof strokeSchema>;

/** The field names a definition file accepts, for "unknown field" messages. */
const FILE_FIELDS = Object.keys(fileSchema.shape);
const STROKE_FIELDS = Object.keys(strokeSchema.shape);

type Path = readonly PropertyKey[];

/** One validation problem before it is turned into text. */
interface Problem {
  readonly path: Path;
  readonly text: string;
}

/** `["strokes", 2, "ornament"]` -> `strokes[2].ornament`. */
export function formatFieldPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? 'the file' : out;
}

function valueAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** Short rendering of a received value for messages. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'an empty value';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > 60) text = `${text.slice(0, 57)}...`;
  if (Array.isArray(value)) return `a list ${text}`;
  if (typeof value === 'object') return `a mapping ${text}`;
  return text;
}

/** 1-based line of the deepest existing YAML node on `path` (a missing field points at its parent). */
function lineOf(doc: Document, lines: LineCounter, path: Path): number | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return null;
}

function zodProblems(error: z.ZodError, raw: unknown): Problem[] {
  return error.issues.map((issue): Problem => {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      const fields = path.length === 0 ? FILE_FIELDS : STROKE_FIELDS;
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
      return {
        path,
        text: `${formatFieldPath(path)} has unknown field ${keys}; expected only ${fields.join('|')}`,
      };
    }
    return { path, text: `${formatFieldPath(path)} must be ${issue.message}, got ${describeValue(valueAt(raw, path))}` };
  });
}

/** Musical rules the shape schema cannot express. */
function checkSemantics(file: ParsedFile, raw: unknown): Problem[] {
  const problems: Problem[] = [];
  const cycle = file.cycle_beats;
  if (cycle.num === 0) {
    problems.push({ path: ['cycle_beats'], text: `cycle_beats must be ${FORM.cycleBeats}, got 0` });
  }
  const [minBpm, maxBpm] = file.tempo_range_bpm;
  if (!(minBpm < maxBpm)) {
    problems.push({
      path: ['tempo_range_bpm'],
      text: `tempo_range_bpm must be [min, max] with min < max, got [${minBpm}, ${maxBpm}]`,
    });
  }
  const seenAliases = new Set<string>();
  file.aliases.forEach((alias, i) => {
    if (alias === file.slug || seenAliases.has(alias)) {
      problems.push({
        path: ['aliases', i],
        text: `aliases[${i}] must differ from the slug and from the other aliases, got ${JSON.stringify(alias)}`,
      });
    }
    seenAliases.add(alias);
  });

  const strokes = file.strokes;
  const written = (i: number): string => describeValue(valueAt(raw, ['strokes', i, 'at']));
  strokes.forEach((s, i) => {
    if (cycle.num > 0 && !fractionLess(s.at, cycle)) {
      problems.push({
        path: ['strokes', i, 'at'],
        text: `strokes[${i}].at must be within [0, cycle_beats) = [0, ${fractionText(cycle)}), got ${written(i)}`,
      });
    }
    const prev = strokes[i - 1];
    if (prev !== undefined && !fractionLess(prev.at, s.at)) {
      problems.push({
        path: ['strokes', i, 'at'],
        text: `strokes[${i}].at must be greater than strokes[${i - 1}].at (${fractionText(prev.at)}): positions strictly increase, got ${written(i)}`,
      });
    }
    problems.push(...diddleProblems(strokes, i));
  });
  return problems;
}

function diddleProblems(strokes: readonly ParsedStroke[], i: number): Problem[] {
  const s = strokes[i];
  if (s === undefined) return [];
  const path = ['strokes', i, 'diddle'];
  const show = (t: ParsedStroke | undefined): string =>
    t === undefined ? 'the end of the cycle' : `hand ${t.hand} with diddle ${t.diddle ?? 'none'}`;
  if (s.diddle === 1) {
    const next = strokes[i + 1];
    if (next?.diddle !== 2 || next.hand !== s.hand) {
      return [
        {
          path,
          text: `strokes[${i}].diddle 1 must be followed by a diddle 2 of the same hand (${s.hand}), got ${show(next)} at strokes[${i + 1}]`,
        },
      ];
    }
  } else if (s.diddle === 2) {
    const prev = strokes[i - 1];
    // A diddle 1 followed by a wrong partner was already reported on the diddle 1.
    if (prev?.diddle === 1) return [];
    return [
      {
        path,
        text: `strokes[${i}].diddle 2 must follow a diddle 1 of the same hand (${s.hand}), got ${i === 0 ? 'the start of the cycle' : `${show(prev)} at strokes[${i - 1}]`}`,
      },
    ];
  }
  return [];
}

function fail(problems: readonly Problem[], fileName: string, locate: (path: Path) => number | null): never {
  const lines = problems.map((p) => {
    const line = locate(p.path);
    return `${p.text} (in ${fileName}${line === null ? '' : `, line ${line}`})`;
  });
  throw new RudimentError(RUDIMENT_INVALID, lines.join('\n'));
}

function toRudiment(file: ParsedFile): Rudiment {
  const strokes: PrimaryStroke[] = file.strokes.map((s) =>
    Object.freeze({
      positionBeats: s.at.num / s.at.den,
      positionText: fractionText(s.at),
      hand: s.hand,
      accent: s.accent,
      diddle: s.diddle ?? null,
      buzz: s.buzz,
      ornament: s.ornament,
    }),
  );
  return Object.freeze({
    slug: file.slug,
    aliases: Object.freeze([...file.aliases]),
    name: file.name,
    pasNumber: file.pas_number,
    category: file.category,
    grid: file.grid,
    cycleBeats: file.cycle_beats.num / file.cycle_beats.den,
    mirror: file.mirror,
    tempoRangeBpm: Object.freeze([file.tempo_range_bpm[0], file.tempo_range_bpm[1]] as const),
    strokes: Object.freeze(strokes),
  });
}

/**
 * Parse and validate one definition file's YAML text. `fileName` is only used in messages.
 * Throws {@link RudimentError} (`RUDIMENT_INVALID`) listing every problem found, one per line.
 * The result is deeply frozen.
 */
export function parseRudimentYaml(text: string, fileName: string): Rudiment {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const line = lines.linePos(e.pos[0]).line;
      return `could not read YAML: ${e.message.split('\n')[0] ?? e.code} (in ${fileName}, line ${line})`;
    });
    throw new RudimentError(RUDIMENT_INVALID, problems.join('\n'));
  }
  const locate = (path: Path): number | null => lineOf(doc, lines, path);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new RudimentError(
      RUDIMENT_INVALID,
      `could not read YAML: ${cause instanceof Error ? cause.message : String(cause)} (in ${fileName})`,
      { cause },
    );
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) fail(zodProblems(parsed.error, raw), fileName, locate);
  const problems = checkSemantics(parsed.data, raw);
  if (problems.length > 0) fail(problems, fileName, locate);
  return toRudiment(parsed.data);
}
