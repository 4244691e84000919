/**
 * The `preview` config's rows: N samples per rudiment, spread over skill tiers, drawn with the
 * seeded generator so the same dataset always gives the same preview.
 *
 * Tiers: for the r-th rudiment (PAS order) the tier list starts at tier (r * N) mod T and is
 * walked round robin, so over all rudiments every tier gets the same share (up to rounding) and
 * each rudiment shows N different tiers when N <= T. Inside a tier the sample is drawn by
 * `rngFor(seed, "preview/{slug}")`. Output order is round-major (every rudiment's first pick, then
 * every rudiment's second pick, …) so the viewer's first page has every rudiment.
 */
import { rngFor } from '../random/index.js';
import { SKILL_TIERS } from '../profiles/types.js';
import type { SampleRow } from './dataset.js';

/** Indices into `samples` of the preview rows, in output order. */
export function selectPreview(samples: readonly SampleRow[], perRudiment: number, seed: number): number[] {
  if (!Number.isInteger(perRudiment) || perRudiment < 0) {
    throw new RangeError(`preview rows per rudiment must be a non-negative integer, got ${perRudiment}`);
  }
  const byRudiment = new Map<string, { pas: number; idx: number[] }>();
  samples.forEach((s, i) => {
    const slug = String(s.rudiment_slug);
    let g = byRudiment.get(slug);
    if (!g) byRudiment.set(slug, (g = { pas: Number(s.pas_number ?? 0), idx: [] }));
    g.idx.push(i);
  });
  const rudiments = [...byRudiment.entries()].sort((a, b) => a[1].pas - b[1].pas || (a[0] < b[0] ? -1 : 1));
  const picks: number[][] = [];
  rudiments.forEach(([slug, g], r) => {
    const rng = rngFor(seed, `preview/${slug}`);
    const tiers = SKILL_TIERS.filter((t) => g.idx.some((i) => samples[i]!.skill_tier === t));
    const queues = new Map<string, number[]>();
    for (const t of tiers) {
      const ids = g.idx.filter((i) => samples[i]!.skill_tier === t).sort((a, b) => cmp(samples[a]!.sample_id, samples[b]!.sample_id));
      queues.set(t, rng.shuffled(ids));
    }
    const start = tiers.length ? (r * perRudiment) % tiers.length : 0;
    const order = [...tiers.slice(start), ...tiers.slice(0, start)];
    const chosen: number[] = [];
    for (let k = 0; chosen.length < perRudiment && order.some((t) => queues.get(t)!.length > 0); k++) {
      const q = queues.get(order[k % order.length]!)!;
      const next = q.shift();
      if (next !== undefined) chosen.push(next);
    }
    picks.push(chosen);
  });
  const out: number[] = [];
  for (let k = 0; k < perRudiment; k++) for (const p of picks) if (k < p.length) out.push(p[k]!);
  return out;
}

function cmp(a: unknown, b: unknown): number {
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
