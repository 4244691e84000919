/**
 * Dataset-level statistical checks: tier ordering and separation of the main scores, the
 * literature ranges of SOUSA's realism module (§8.2; the tempo-drift benchmark SOUSA defined but
 * never used is used here), the expected score correlations, and the balance of the dataset.
 *
 * A check that needs more data than present reports `skip` with the reason: per-tier statistics
 * need `minSamplesPerTier` samples in a tier (the tiny preset has 40 per tier and skips them).
 * Literature ranges, correlations and balance are soft expectations: outside them a check warns
 * (fails with `strict`). Ordering and separation of tiers are what the tier labels mean: they fail.
 */
import { SKILL_TIERS } from '../profiles/types.js';
import { tierQuotas } from '../profiles/index.js';
import { SCORE_NAMES } from '../dataset/schema.js';
import type { SampleInfo } from './labels.js';
import { rudimentOf } from './labels.js';
import { chiSquareTest, mean, oneWayAnova, pearson } from './stats.js';
import { fmt, result } from './tally.js';
import type { CheckResult, CheckStatus, ValidateOptions } from './types.js';

type Range = readonly [number, number];

/**
 * SD of detrended primary-stroke timing errors per tier, ms (SOUSA realism.py): professional
 * Fujii et al. 2011, advanced Repp 2005, intermediate Wing & Kristofferson 1973, beginner Palmer 1997.
 */
export const TIMING_SD_RANGES_MS: Readonly<Record<string, Range>> = Object.freeze({
  professional: [5, 15],
  advanced: [8, 25],
  intermediate: [20, 45],
  beginner: [35, 80],
});

/** Coefficient of variation of unaccented primary velocities per tier (Schmidt & Lee 2011, via SOUSA). */
export const VELOCITY_CV_RANGES: Readonly<Record<string, Range>> = Object.freeze({
  professional: [0.05, 0.12],
  advanced: [0.08, 0.18],
  intermediate: [0.12, 0.25],
  beginner: [0.18, 0.35],
});

/** Largest tempo drift over an exercise, % of the tempo (Madison & Paulin 2010, via SOUSA; unused there). */
export const TEMPO_DRIFT_MAX_PCT: Readonly<Record<string, number>> = Object.freeze({
  professional: 2,
  advanced: 4,
  intermediate: 7,
  beginner: 12,
});

/** Minimum Pearson r between scores across samples (SOUSA §8.2), asserted with at least 3 tiers. */
export const EXPECTED_CORRELATIONS: readonly { a: string; b: string; minR: number }[] = Object.freeze([
  { a: 'timing_accuracy', b: 'timing_consistency', minR: 0.5 },
  { a: 'timing_accuracy', b: 'hand_balance', minR: 0.3 },
  { a: 'velocity_control', b: 'accent_differentiation', minR: 0.15 },
  { a: 'timing_accuracy', b: 'overall_score', minR: 0.6 },
  { a: 'hand_balance', b: 'overall_score', minR: 0.4 },
]);
/** With fewer than 3 tiers the range restriction weakens correlations; SOUSA then only asked r ≥ −0.3. */
export const WEAK_CORRELATION_FLOOR = -0.3;

/** Scores whose tier means must be ordered and separated. */
export const TIER_SCORES = ['timing_accuracy', 'hand_balance', 'overall_score'] as const;

const scoreIndex = (name: string) => (SCORE_NAMES as readonly string[]).indexOf(name);

function soft(opts: ValidateOptions): CheckStatus {
  return opts.strict ? 'fail' : 'warn';
}

interface TierGroups {
  eligible: string[];
  skipped: string[];
  byTier: Map<string, SampleInfo[]>;
}

function tierGroups(samples: readonly SampleInfo[], opts: ValidateOptions): TierGroups {
  const byTier = new Map<string, SampleInfo[]>();
  for (const s of samples) {
    if (!byTier.has(s.tier)) byTier.set(s.tier, []);
    byTier.get(s.tier)!.push(s);
  }
  const eligible: string[] = [];
  const skipped: string[] = [];
  for (const t of SKILL_TIERS) {
    const n = byTier.get(t)?.length ?? 0;
    if (n >= opts.minSamplesPerTier) eligible.push(t);
    else skipped.push(`${t} (${n} samples)`);
  }
  return { eligible, skipped, byTier };
}

function scoresOf(samples: readonly SampleInfo[], name: string): number[] {
  const k = scoreIndex(name);
  const out: number[] = [];
  for (const s of samples) {
    const v = s.scores?.[k];
    if (v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out;
}

function skipReason(g: TierGroups, opts: ValidateOptions, need: number): string {
  return `needs at least ${need} tier(s) with ${opts.minSamplesPerTier}+ samples; too few in ${g.skipped.join(', ')}`;
}

export function tierOrderingCheck(samples: readonly SampleInfo[], opts: ValidateOptions): CheckResult {
  const id = 'tier_ordering';
  const title = 'Tier ordering of the main scores (professional ≥ advanced ≥ intermediate ≥ beginner)';
  const g = tierGroups(samples, opts);
  if (g.eligible.length < 2) return result(id, 'statistics', title, 'skip', skipReason(g, opts, 2));
  const numbers: Record<string, number> = { toleranceScore: opts.tierOrderToleranceScore };
  const problems: string[] = [];
  for (const score of TIER_SCORES) {
    const means = g.eligible.map((t) => mean(scoresOf(g.byTier.get(t)!, score)));
    g.eligible.forEach((t, i) => (numbers[`${score}.${t}`] = means[i]!));
    for (let i = 1; i < means.length; i++) {
      if (!(means[i]! >= means[i - 1]! - opts.tierOrderToleranceScore)) {
        problems.push(`${score}: ${g.eligible[i]} mean ${fmt(means[i]!)} < ${g.eligible[i - 1]} mean ${fmt(means[i - 1]!)} − ${opts.tierOrderToleranceScore}`);
      }
    }
  }
  const note = g.skipped.length ? ` (not enough data: ${g.skipped.join(', ')})` : '';
  if (problems.length) return result(id, 'statistics', title, 'fail', `tier means out of order: ${problems.join('; ')}${note}`, numbers, problems);
  return result(id, 'statistics', title, 'pass', `ordered over ${g.eligible.join(' < ')}${note}`, numbers);
}

export function tierAnovaCheck(samples: readonly SampleInfo[], opts: ValidateOptions): CheckResult {
  const id = 'tier_anova';
  const title = 'Tier separation: one-way ANOVA of the main scores across tiers';
  const g = tierGroups(samples, opts);
  if (g.eligible.length < 2) return result(id, 'statistics', title, 'skip', skipReason(g, opts, 2));
  const numbers: Record<string, number> = { alpha: opts.anovaAlpha };
  const problems: string[] = [];
  const parts: string[] = [];
  for (const score of TIER_SCORES) {
    const a = oneWayAnova(g.eligible.map((t) => scoresOf(g.byTier.get(t)!, score)));
    numbers[`${score}.F`] = a.f;
    numbers[`${score}.p`] = a.p;
    numbers[`${score}.dfBetween`] = a.dfBetween;
    numbers[`${score}.dfWithin`] = a.dfWithin;
    numbers[`${score}.etaSquared`] = a.etaSquared;
    parts.push(`${score} F(${a.dfBetween}, ${a.dfWithin}) = ${fmt(a.f, 1)}, p = ${a.p.toExponential(2)}`);
    if (!(a.p < opts.anovaAlpha)) problems.push(`${score}: p = ${fmt(a.p, 4)} ≥ ${opts.anovaAlpha}`);
  }
  if (problems.length) return result(id, 'statistics', title, 'fail', `tiers not separated: ${problems.join('; ')}`, numbers, parts);
  return result(id, 'statistics', title, 'pass', parts.join('; '), numbers);
}

function rangeCheck(
  id: string,
  title: string,
  samples: readonly SampleInfo[],
  opts: ValidateOptions,
  unit: string,
  value: (group: readonly SampleInfo[]) => { value: number; extra: Record<string, number> },
  range: (tier: string) => Range,
): CheckResult {
  const g = tierGroups(samples, opts);
  if (g.eligible.length === 0) return result(id, 'statistics', title, 'skip', skipReason(g, opts, 1));
  const numbers: Record<string, number> = {};
  const outside: string[] = [];
  const parts: string[] = [];
  for (const t of g.eligible) {
    const { value: v, extra } = value(g.byTier.get(t)!);
    const [lo, hi] = range(t);
    numbers[`${t}.value`] = v;
    numbers[`${t}.min`] = lo;
    numbers[`${t}.max`] = hi;
    for (const [k, x] of Object.entries(extra)) numbers[`${t}.${k}`] = x;
    const text = `${t} ${fmt(v, 3)}${unit} (expected ${lo}–${hi})`;
    parts.push(text);
    if (!(v >= lo && v <= hi)) outside.push(text);
  }
  const note = g.skipped.length ? `; not enough data: ${g.skipped.join(', ')}` : '';
  if (outside.length) return result(id, 'statistics', title, soft(opts), `outside the literature range: ${outside.join('; ')}${note}`, numbers, parts);
  return result(id, 'statistics', title, 'pass', `${parts.join('; ')}${note}`, numbers);
}

export function timingSdCheck(samples: readonly SampleInfo[], opts: ValidateOptions): CheckResult {
  return rangeCheck(
    'timing_sd_realism',
    'Timing SD per tier (detrended primary strokes) within literature ranges',
    samples,
    opts,
    ' ms',
    (group) => {
      let ss = 0;
      let n = 0;
      const per: number[] = [];
      for (const s of group) {
        if (s.timingResidualCount > 0) {
          ss += s.timingResidualSumSq;
          n += s.timingResidualCount;
          per.push(Math.sqrt(s.timingResidualSumSq / s.timingResidualCount));
        }
      }
      return { value: Math.sqrt(ss / n), extra: { meanPerSampleSdMs: mean(per), strokes: n } };
    },
    (t) => TIMING_SD_RANGES_MS[t]!,
  );
}

export function velocityCvCheck(samples: readonly SampleInfo[], opts: ValidateOptions): CheckResult {
  return rangeCheck(
    'velocity_cv_realism',
    'Velocity CV per tier (unaccented primary strokes) within literature ranges',
    samples,
    opts,
    '',
    (group) => {
      const cvs = group.map((s) => s.velocityCv).filter(Number.isFinite);
      return { value: mean(cvs), extra: { samples: cvs.length } };
    },
    (t) => VELOCITY_CV_RANGES[t]!,
  );
}

export function tempoDriftCheck(samples: readonly SampleInfo[], opts: ValidateOptions): CheckResult {
  return rangeCheck(
    'tempo_drift_realism',
    'Tempo drift per tier (mean |played/written span − 1|) below the literature maximum',
    samples,
    opts,
    ' %',
    (group) => {
      const d = group.map((s) => s.driftPct).filter(Number.isFinite).sort((a, b) => a - b);
      return { value: mean(d), extra: { p95Pct: d.length ? d[Math.min(d.length - 1, Math.floor(0.95 * d.length))]! : Number.NaN } };
    },
    (t) => [0, TEMPO_DRIFT_MAX_PCT[t]!] as const,
  );
}

export function correlationCheck(samples: readonly SampleInfo[], opts: ValidateOptions): CheckResult {
  const id = 'score_correlations';
  const title = 'Expected correlations between scores';
  const g = tierGroups(samples, opts);
  if (g.eligible.length === 0) return result(id, 'statistics', title, 'skip', skipReason(g, opts, 1));
  const pool = g.eligible.flatMap((t) => g.byTier.get(t)!);
  const full = g.eligible.length >= 3;
  const numbers: Record<string, number> = { tiers: g.eligible.length, samples: pool.length };
  const low: string[] = [];
  const parts: string[] = [];
  for (const c of EXPECTED_CORRELATIONS) {
    const ia = scoreIndex(c.a);
    const ib = scoreIndex(c.b);
    const xs: number[] = [];
    const ys: number[] = [];
    for (const s of pool) {
      const a = s.scores?.[ia];
      const b = s.scores?.[ib];
      if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b)) {
        xs.push(a);
        ys.push(b);
      }
    }
    const r = pearson(xs, ys);
    const min = full ? c.minR : WEAK_CORRELATION_FLOOR;
    numbers[`${c.a}~${c.b}.r`] = r;
    numbers[`${c.a}~${c.b}.minR`] = min;
    const text = `${c.a}–${c.b} r = ${fmt(r, 3)} (≥ ${min})`;
    parts.push(text);
    if (!(r >= min)) low.push(text);
  }
  const note = full ? '' : `; only ${g.eligible.length} tier(s) with enough data, so only r ≥ ${WEAK_CORRELATION_FLOOR} is asked`;
  if (low.length) return result(id, 'statistics', title, soft(opts), `below the expected correlation: ${low.join('; ')}${note}`, numbers, parts);
  return result(id, 'statistics', title, 'pass', `${parts.join('; ')}${note}`, numbers);
}

/** Counts by key, in first-seen order unless `order` is given. */
export function countBy<T>(items: readonly T[], key: (x: T) => string, order?: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of order ?? []) out[k] = 0;
  for (const x of items) {
    const k = key(x);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Band of a tempo inside its rudiment's range: slow / medium / fast thirds. */
export function tempoBand(s: SampleInfo): string {
  const r = rudimentOf(s.slug);
  if (r === null) return 'unknown';
  const [lo, hi] = r.tempoRangeBpm;
  if (s.tempoBpm < lo || s.tempoBpm > hi) return 'outside range';
  const pos = (s.tempoBpm - lo) / (hi - lo + 1);
  return pos < 1 / 3 ? 'slow third' : pos < 2 / 3 ? 'middle third' : 'fast third';
}

export const TEMPO_BANDS = ['slow third', 'middle third', 'fast third'] as const;

/** A uniform-expectation balance check: warns when the spread is both large and beyond chance. */
function uniformBalance(id: string, title: string, counts: Record<string, number>, what: string, opts: ValidateOptions): CheckResult {
  const keys = Object.keys(counts);
  const values = keys.map((k) => counts[k]!);
  const numbers: Record<string, number> = {};
  for (const k of keys) numbers[`count.${k}`] = counts[k]!;
  if (keys.length < 2) {
    return result(id, 'balance', title, 'pass', keys.length ? `one ${what}: ${keys[0]} (${values[0]} samples)` : `no ${what}`, numbers);
  }
  const max = Math.max(...values);
  const min = Math.min(...values);
  const ratio = min > 0 ? max / min : Number.POSITIVE_INFINITY;
  const chi = chiSquareTest(values, values.map(() => 1));
  Object.assign(numbers, { groups: keys.length, min, max, ratio, chi2: chi.chi2, df: chi.df, p: chi.p, maxRatio: opts.imbalanceRatio });
  const text = `${keys.length} ${what}s, ${min}–${max} samples each (ratio ${fmt(ratio)}, χ² p = ${chi.p.toExponential(2)})`;
  // Chance alone spreads small counts; warn only when the spread is large AND not explained by chance.
  if (ratio > opts.imbalanceRatio && chi.p < 0.01) {
    const lowest = keys.filter((k) => counts[k] === min);
    return result(id, 'balance', title, soft(opts), `imbalanced: ${text}; fewest: ${lowest.slice(0, 5).join(', ')}`, numbers);
  }
  return result(id, 'balance', title, 'pass', text, numbers);
}

export function balanceChecks(samples: readonly SampleInfo[], configuredRudiments: readonly string[] | null, opts: ValidateOptions): CheckResult[] {
  const out: CheckResult[] = [];
  if (samples.length === 0) {
    for (const id of ['rudiment_balance', 'tier_balance', 'tempo_balance', 'soundfont_balance', 'preset_balance']) {
      out.push(result(id, 'balance', id.replace('_', ' '), 'skip', 'no samples'));
    }
    return out;
  }
  // Rudiments: every configured rudiment present, equally often.
  const byRudiment = countBy(samples, (s) => s.slug, configuredRudiments ?? undefined);
  const missing = Object.entries(byRudiment).filter(([, n]) => n === 0).map(([k]) => k);
  if (missing.length) {
    out.push(
      result('rudiment_balance', 'balance', 'Samples per rudiment', 'fail', `${missing.length} configured rudiment(s) have no samples: ${missing.join(', ')}`, { missing: missing.length }, missing),
    );
  } else out.push(uniformBalance('rudiment_balance', 'Samples per rudiment', byRudiment, 'rudiment', opts));

  // Tiers: profiles per tier against the generator's quotas; every profile with the same number of samples.
  const profiles = new Map<string, { tier: string; n: number }>();
  for (const s of samples) {
    const p = profiles.get(s.profileId) ?? { tier: s.tier, n: 0 };
    p.n++;
    profiles.set(s.profileId, p);
  }
  const perTier = countBy([...profiles.values()], (p) => p.tier, SKILL_TIERS);
  const quotas = tierQuotas(profiles.size);
  const numbers: Record<string, number> = { profiles: profiles.size };
  for (const t of SKILL_TIERS) {
    numbers[`profiles.${t}`] = perTier[t] ?? 0;
    numbers[`quota.${t}`] = quotas[t];
  }
  const perProfile = [...profiles.values()].map((p) => p.n);
  const pmin = Math.min(...perProfile);
  const pmax = Math.max(...perProfile);
  Object.assign(numbers, { samplesPerProfileMin: pmin, samplesPerProfileMax: pmax });
  const tierText = SKILL_TIERS.map((t) => `${t} ${perTier[t] ?? 0}/${quotas[t]}`).join(', ');
  const offQuota = SKILL_TIERS.some((t) => (perTier[t] ?? 0) !== quotas[t]);
  const unknownTier = Object.keys(perTier).filter((t) => !(SKILL_TIERS as readonly string[]).includes(t));
  if (unknownTier.length) {
    out.push(result('tier_balance', 'balance', 'Profiles per tier', 'fail', `unknown skill_tier value(s): ${unknownTier.join(', ')}`, numbers));
  } else if (offQuota || pmin !== pmax) {
    out.push(
      result(
        'tier_balance',
        'balance',
        'Profiles per tier',
        soft(opts),
        `profiles per tier (got/quota of the 25/35/25/15 mix): ${tierText}; samples per profile ${pmin}–${pmax}`,
        numbers,
      ),
    );
  } else out.push(result('tier_balance', 'balance', 'Profiles per tier', 'pass', `profiles per tier (got/quota): ${tierText}; ${pmin} samples per profile`, numbers));

  // Tempo: inside each rudiment's range, spread over its thirds.
  const bands = countBy(samples, tempoBand, [...TEMPO_BANDS]);
  const outside = bands['outside range'] ?? 0;
  if (outside > 0) {
    const ex = samples.filter((s) => tempoBand(s) === 'outside range').slice(0, opts.maxDetails);
    out.push(
      result(
        'tempo_balance',
        'balance',
        'Tempos per band of the rudiment’s range',
        'fail',
        `${outside} sample(s) have a tempo outside their rudiment's range`,
        { outside },
        ex.map((s) => `${s.id}: ${s.tempoBpm} BPM, range ${rudimentOf(s.slug)!.tempoRangeBpm.join('–')}`),
      ),
    );
  } else {
    const inBands: Record<string, number> = {};
    for (const b of TEMPO_BANDS) inBands[b] = bands[b] ?? 0;
    out.push(uniformBalance('tempo_balance', 'Tempos per band of the rudiment’s range', inBands, 'tempo band', opts));
  }

  const withAudio = samples.filter((s) => s.audioPath !== null);
  if (withAudio.length === 0) out.push(result('soundfont_balance', 'balance', 'Samples per soundfont', 'skip', 'no audio in this dataset'));
  else out.push(uniformBalance('soundfont_balance', 'Samples per soundfont', countBy(withAudio, (s) => s.soundfont ?? '(none)'), 'soundfont', opts));
  out.push(uniformBalance('preset_balance', 'Samples per augmentation preset', countBy(samples, (s) => s.preset), 'augmentation preset', opts));
  return out;
}
