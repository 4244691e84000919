/**
 * Plots drawn as inline SVG strings, so the HTML report is one self-contained file (SOUSA's
 * report loaded Plotly from a CDN and was never called, §8.5). Each function returns one
 * `<svg>` element with a title, axes with ticks, and the data; no scripts, no external refs.
 */
import type { BoxStats, HistogramData } from './types.js';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Colours per skill tier (colour-blind-safe Okabe–Ito palette). */
export const TIER_COLOURS: Readonly<Record<string, string>> = Object.freeze({
  beginner: '#D55E00',
  intermediate: '#E69F00',
  advanced: '#56B4E9',
  professional: '#009E73',
});
const DEFAULT_COLOUR = '#0072B2';

/** Round tick steps (1, 2, 5 × 10^k) covering [lo, hi] with about `count` ticks. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function n(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 10) / 10) : '0';
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function open(f: Frame, title: string, label: string): string {
  return `<svg class="plot" role="img" aria-label="${esc(label)}" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}">` + `<text x="${f.width / 2}" y="16" text-anchor="middle" class="t">${esc(title)}</text>`;
}

function yAxis(f: Frame, lo: number, hi: number, y: (v: number) => number, label: string): string {
  let s = `<line x1="${f.left}" y1="${f.top}" x2="${f.left}" y2="${f.height - f.bottom}" class="ax"/>`;
  for (const t of niceTicks(lo, hi)) {
    s += `<line x1="${f.left - 4}" y1="${n(y(t))}" x2="${f.width - f.right}" y2="${n(y(t))}" class="grid"/>`;
    s += `<text x="${f.left - 6}" y="${n(y(t) + 4)}" text-anchor="end" class="tick">${esc(String(t))}</text>`;
  }
  s += `<text transform="translate(12 ${(f.top + f.height - f.bottom) / 2}) rotate(-90)" text-anchor="middle" class="lab">${esc(label)}</text>`;
  return s;
}

export interface BoxGroup {
  label: string;
  box: BoxStats | undefined;
  colour?: string;
}

/** Box plots (min–max whiskers, quartile box, median line, mean dot) side by side. */
export function boxPlotSvg(groups: readonly BoxGroup[], opts: { title: string; yLabel: string; range?: readonly [number, number]; width?: number; height?: number }): string {
  const f: Frame = { width: opts.width ?? 300, height: opts.height ?? 220, left: 44, right: 10, top: 26, bottom: 34 };
  const boxes = groups.filter((g) => g.box && g.box.n > 0);
  const lo = opts.range?.[0] ?? Math.min(...boxes.map((g) => g.box!.min));
  const hi = opts.range?.[1] ?? Math.max(...boxes.map((g) => g.box!.max));
  const span = hi - lo || 1;
  const y = (v: number) => f.top + ((hi - v) / span) * (f.height - f.top - f.bottom);
  let s = open(f, opts.title, `box plot: ${opts.title}`) + yAxis(f, lo, hi, y, opts.yLabel);
  const slot = (f.width - f.left - f.right) / Math.max(1, groups.length);
  groups.forEach((g, i) => {
    const cx = f.left + slot * (i + 0.5);
    s += `<text x="${n(cx)}" y="${f.height - f.bottom + 14}" text-anchor="middle" class="tick">${esc(g.label)}</text>`;
    const b = g.box;
    if (!b || b.n === 0) {
      s += `<text x="${n(cx)}" y="${n((f.top + f.height - f.bottom) / 2)}" text-anchor="middle" class="tick">no data</text>`;
      return;
    }
    const c = g.colour ?? DEFAULT_COLOUR;
    const w = Math.min(40, slot * 0.6);
    s += `<line x1="${n(cx)}" y1="${n(y(b.max))}" x2="${n(cx)}" y2="${n(y(b.min))}" stroke="${c}" class="wh"/>`;
    s += `<line x1="${n(cx - w / 4)}" y1="${n(y(b.max))}" x2="${n(cx + w / 4)}" y2="${n(y(b.max))}" stroke="${c}" class="wh"/>`;
    s += `<line x1="${n(cx - w / 4)}" y1="${n(y(b.min))}" x2="${n(cx + w / 4)}" y2="${n(y(b.min))}" stroke="${c}" class="wh"/>`;
    s += `<rect x="${n(cx - w / 2)}" y="${n(y(b.q3))}" width="${n(w)}" height="${n(Math.max(1, y(b.q1) - y(b.q3)))}" fill="${c}" fill-opacity="0.35" stroke="${c}"><title>${esc(
      `${g.label}: n ${b.n}, min ${b.min.toFixed(2)}, q1 ${b.q1.toFixed(2)}, median ${b.median.toFixed(2)}, q3 ${b.q3.toFixed(2)}, max ${b.max.toFixed(2)}, mean ${b.mean.toFixed(2)}`,
    )}</title></rect>`;
    s += `<line x1="${n(cx - w / 2)}" y1="${n(y(b.median))}" x2="${n(cx + w / 2)}" y2="${n(y(b.median))}" stroke="#222" stroke-width="2"/>`;
    s += `<circle cx="${n(cx)}" cy="${n(y(b.mean))}" r="2.5" fill="#222"/>`;
  });
  s += `<text x="${f.width - f.right}" y="${f.height - 4}" text-anchor="end" class="note">n per box: ${esc(groups.map((g) => g.box?.n ?? 0).join(' / '))}</text>`;
  return s + '</svg>';
}

export interface Bar {
  label: string;
  value: number;
  colour?: string;
}

/** Horizontal bar chart (one row per label), value printed at the end of each bar. */
export function barChartSvg(bars: readonly Bar[], opts: { title: string; width?: number; rowHeight?: number; labelWidth?: number }): string {
  const rowH = opts.rowHeight ?? 16;
  const labelW = opts.labelWidth ?? 190;
  const f: Frame = { width: opts.width ?? 560, height: 30 + rowH * Math.max(1, bars.length) + 24, left: labelW, right: 50, top: 26, bottom: 24 };
  const max = Math.max(1, ...bars.map((b) => b.value));
  const x = (v: number) => f.left + (v / max) * (f.width - f.left - f.right);
  let s = open(f, opts.title, `bar chart: ${opts.title}`);
  for (const t of niceTicks(0, max, 4)) {
    s += `<line x1="${n(x(t))}" y1="${f.top}" x2="${n(x(t))}" y2="${f.height - f.bottom}" class="grid"/>`;
    s += `<text x="${n(x(t))}" y="${f.height - f.bottom + 14}" text-anchor="middle" class="tick">${t}</text>`;
  }
  bars.forEach((b, i) => {
    const yy = f.top + i * rowH;
    s += `<text x="${f.left - 6}" y="${yy + rowH * 0.72}" text-anchor="end" class="tick">${esc(b.label)}</text>`;
    s += `<rect x="${f.left}" y="${yy + 2}" width="${n(Math.max(0, x(b.value) - f.left))}" height="${rowH - 4}" fill="${b.colour ?? DEFAULT_COLOUR}"><title>${esc(`${b.label}: ${b.value}`)}</title></rect>`;
    s += `<text x="${n(x(b.value) + 4)}" y="${yy + rowH * 0.72}" class="tick">${b.value}</text>`;
  });
  s += `<line x1="${f.left}" y1="${f.top}" x2="${f.left}" y2="${f.height - f.bottom}" class="ax"/>`;
  return s + '</svg>';
}

/** Vertical histogram of one {@link HistogramData}; under/overflow counts are noted below. */
export function histogramSvg(h: HistogramData, opts: { title: string; xLabel: string; width?: number; height?: number; colour?: string }): string {
  const f: Frame = { width: opts.width ?? 560, height: opts.height ?? 220, left: 44, right: 10, top: 26, bottom: 40 };
  const max = Math.max(1, ...h.counts);
  const x0 = h.lo;
  const x1 = h.lo + h.width * h.counts.length;
  const x = (v: number) => f.left + ((v - x0) / (x1 - x0)) * (f.width - f.left - f.right);
  const y = (v: number) => f.top + (1 - v / max) * (f.height - f.top - f.bottom);
  let s = open(f, opts.title, `histogram: ${opts.title}`) + yAxis(f, 0, max, y, 'count');
  h.counts.forEach((c, i) => {
    if (c === 0) return;
    const a = x0 + i * h.width;
    s += `<rect x="${n(x(a) + 0.5)}" y="${n(y(c))}" width="${n(Math.max(0.5, x(a + h.width) - x(a) - 1))}" height="${n(y(0) - y(c))}" fill="${opts.colour ?? DEFAULT_COLOUR}"><title>${esc(`${a}–${a + h.width}: ${c}`)}</title></rect>`;
  });
  for (const t of niceTicks(x0, x1, 8)) s += `<text x="${n(x(t))}" y="${f.height - f.bottom + 14}" text-anchor="middle" class="tick">${t}</text>`;
  s += `<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 6}" text-anchor="middle" class="lab">${esc(opts.xLabel)}${h.under + h.over ? esc(` (outside the axis: ${h.under} below, ${h.over} above)`) : ''}</text>`;
  return s + '</svg>';
}

/** Several histograms with the same bins as density lines (share of each series per bin). */
export function densityLinesSvg(series: readonly { label: string; h: HistogramData; colour?: string }[], opts: { title: string; xLabel: string; width?: number; height?: number }): string {
  const f: Frame = { width: opts.width ?? 560, height: opts.height ?? 240, left: 50, right: 120, top: 26, bottom: 40 };
  const first = series[0]?.h;
  if (!first) return open(f, opts.title, opts.title) + `<text x="${f.width / 2}" y="${f.height / 2}" text-anchor="middle" class="tick">no data</text></svg>`;
  const x0 = first.lo;
  const x1 = first.lo + first.width * first.counts.length;
  const shares = series.map((s) => {
    const total = s.h.counts.reduce((a, b) => a + b, 0) + s.h.under + s.h.over;
    return s.h.counts.map((c) => (total ? (100 * c) / total : 0));
  });
  const max = Math.max(0.1, ...shares.flat());
  const x = (v: number) => f.left + ((v - x0) / (x1 - x0)) * (f.width - f.left - f.right);
  const y = (v: number) => f.top + (1 - v / max) * (f.height - f.top - f.bottom);
  let s = open(f, opts.title, `density: ${opts.title}`) + yAxis(f, 0, max, y, `% of strokes per ${first.width} ms`);
  series.forEach((ser, k) => {
    const pts = shares[k]!.map((v, i) => `${n(x(x0 + (i + 0.5) * first.width))},${n(y(v))}`).join(' ');
    const c = ser.colour ?? DEFAULT_COLOUR;
    s += `<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="1.8"/>`;
    s += `<rect x="${f.width - f.right + 10}" y="${f.top + 16 * k}" width="10" height="10" fill="${c}"/><text x="${f.width - f.right + 24}" y="${f.top + 16 * k + 9}" class="tick">${esc(ser.label)}</text>`;
  });
  for (const t of niceTicks(x0, x1, 8)) s += `<text x="${n(x(t))}" y="${f.height - f.bottom + 14}" text-anchor="middle" class="tick">${t}</text>`;
  s += `<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 6}" text-anchor="middle" class="lab">${esc(opts.xLabel)}</text>`;
  return s + '</svg>';
}
