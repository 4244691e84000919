/**
 * The HTML validation report: ONE self-contained file (inline CSS, inline SVG plots from
 * ./svg.ts, no script, no network reference), readable offline and attachable to a dataset card.
 */
import { SCORE_NAMES, SCORE_RANGES } from '../dataset/schema.js';
import { SKILL_TIERS } from '../profiles/types.js';
import type { ReportContext } from './report.js';
import { barChartSvg, boxPlotSvg, densityLinesSvg, esc, histogramSvg, TIER_COLOURS } from './svg.js';
import { CHECK_GROUPS, type ValidationReport } from './types.js';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2328;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #d6dbe0;padding-bottom:4px}
.meta{color:#56606a;font-size:13px}
.verdict{display:inline-block;padding:4px 12px;border-radius:4px;font-weight:700;color:#fff;margin:10px 0}
.verdict.ok{background:#1a7f37}.verdict.bad{background:#c62828}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px}
th,td{border:1px solid #dfe3e7;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.st{font-weight:700;text-transform:uppercase;font-size:12px;white-space:nowrap}
.pass{color:#1a7f37}.fail{color:#c62828}.warn{color:#b26a00}.skip{color:#7a838c}
details summary{cursor:pointer;color:#34495e}
details ul{margin:4px 0 0 16px;padding:0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.grid{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border:1px solid #dfe3e7;border-radius:4px;padding:6px}
svg.plot{display:block}
svg .t{font-size:13px;font-weight:600;fill:#1d2328}
svg .tick{font-size:10px;fill:#414b55}
svg .lab,svg .note{font-size:10px;fill:#56606a}
svg .ax{stroke:#56606a;stroke-width:1}
svg .grid{stroke:#e4e8ec;stroke-width:1}
svg .wh{stroke-width:1.4}
`;

function table(headers: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const head = `<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('');
  return `<table>${head}${body}</table>`;
}

function num(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : String(Number(x.toFixed(digits)));
}

/** Render the report as one HTML document. */
export function renderHtmlReport(report: ValidationReport, ctx: ReportContext): string {
  const f = report.figures;
  const parts: string[] = [];
  parts.push(`<h1>SOUSA-wasm dataset validation</h1>`);
  parts.push(`<div class="meta">dataset <code>${esc(ctx.datasetPath)}</code> · ${esc(ctx.generatedAt)} · sousa-wasm ${esc(report.validatorVersion)} · ${(report.elapsedMs / 1000).toFixed(1)} s</div>`);
  const { pass, warn, fail, skip } = report.counts;
  parts.push(`<div class="verdict ${report.passed ? 'ok' : 'bad'}">${report.passed ? 'PASSED' : 'FAILED'}</div> <span class="meta">${pass} passed · ${warn} warnings · ${fail} failed · ${skip} skipped</span>`);

  // Overview.
  parts.push('<h2>Overview</h2>');
  const tiers = SKILL_TIERS.map((t) => [esc(t), String(f.profilesPerTier[t] ?? 0), String(f.samplesPerTier[t] ?? 0)]);
  parts.push(
    `<div class="grid"><div class="card" style="flex:1">${table(
      ['', 'count'],
      [
        ['samples', String(f.samples)],
        ['strokes', String(f.strokes)],
        ['measures', String(f.measures)],
        ['profiles', String(f.profiles)],
        ['rudiments', String(Object.keys(f.samplesPerRudiment).length)],
        ...Object.entries(f.samplesPerSplit).map(([k, v]) => [`samples in ${esc(k)}`, String(v)]),
      ],
      [false, true],
    )}</div><div class="card" style="flex:1">${table(['tier', 'profiles', 'samples'], tiers, [false, true, true])}</div></div>`,
  );

  // Checks.
  parts.push('<h2>Checks</h2>');
  const rows: string[][] = [];
  for (const g of CHECK_GROUPS) {
    for (const c of report.checks.filter((x) => x.group === g)) {
      const numbers = Object.entries(c.numbers);
      const more =
        c.details.length || numbers.length
          ? `<details><summary>${c.details.length ? `${c.details.length} example(s)` : ''}${c.details.length && numbers.length ? ', ' : ''}${numbers.length ? `${numbers.length} number(s)` : ''}</summary>${
              c.details.length ? `<ul>${c.details.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>` : ''
            }${numbers.length ? `<ul>${numbers.map(([k, v]) => `<li><code>${esc(k)}</code> = ${esc(v === null ? 'null' : String(v))}</li>`).join('')}</ul>` : ''}</details>`
          : '';
      rows.push([esc(g), `<span class="st ${c.status}">${c.status}</span>`, `<code>${esc(c.id)}</code><br>${esc(c.title)}`, `${esc(c.message)}${more}`]);
    }
  }
  parts.push(table(['group', 'status', 'check', 'result'], rows));

  // Score distributions.
  parts.push('<h2>Score distributions per tier</h2><div class="grid">');
  for (const name of SCORE_NAMES) {
    const boxes = f.scoreBoxes[name] ?? {};
    parts.push(
      `<div class="card">${boxPlotSvg(
        SKILL_TIERS.map((t) => ({ label: t.slice(0, 3), box: boxes[t], colour: TIER_COLOURS[t] })),
        { title: name, yLabel: name === 'groove_feel_proxy' || name === 'tier_confidence' ? '0–1' : 'score', range: SCORE_RANGES[name], width: 262, height: 210 },
      )}</div>`,
    );
  }
  parts.push('</div>');

  // Timing error.
  parts.push('<h2>Timing error of primary strokes per tier</h2><div class="grid">');
  const timingTiers = SKILL_TIERS.filter((t) => f.timingErrorHistograms[t]);
  parts.push(
    `<div class="card">${boxPlotSvg(
      SKILL_TIERS.map((t) => ({ label: t.slice(0, 3), box: f.timingErrorBoxes[t], colour: TIER_COLOURS[t] })),
      { title: 'timing error (ms)', yLabel: 'ms (actual − intended)', width: 320, height: 260 },
    )}</div>`,
  );
  parts.push(
    `<div class="card">${densityLinesSvg(
      timingTiers.map((t) => ({ label: t, h: f.timingErrorHistograms[t]!, colour: TIER_COLOURS[t] })),
      { title: 'timing error distribution', xLabel: 'timing error, ms (2 ms bins)', width: 620, height: 260 },
    )}</div>`,
  );
  parts.push('</div>');
  const boxRows = timingTiers.map((t) => {
    const b = f.timingErrorBoxes[t]!;
    return [esc(t), String(b.n), num(b.mean), num(b.q1), num(b.median), num(b.q3), num(b.min), num(b.max)];
  });
  if (boxRows.length) parts.push(`<div class="card">${table(['tier', 'strokes', 'mean', 'q1', 'median', 'q3', 'min', 'max'], boxRows, [false, true, true, true, true, true, true, true])}</div>`);

  // Tempo, rudiments, presets.
  parts.push('<h2>Tempo</h2><div class="grid">');
  parts.push(`<div class="card">${histogramSvg(f.tempoHistogram, { title: 'tempo histogram', xLabel: 'tempo, BPM (10 BPM bins)', width: 620 })}</div>`);
  parts.push(
    `<div class="card">${barChartSvg(
      Object.entries(f.samplesPerTempoBand).map(([label, value]) => ({ label, value })),
      { title: 'tempo band within the rudiment’s range', width: 420, labelWidth: 110 },
    )}</div>`,
  );
  parts.push('</div>');
  parts.push('<h2>Balance</h2><div class="grid">');
  parts.push(
    `<div class="card">${barChartSvg(
      Object.entries(f.samplesPerRudiment).map(([label, value]) => ({ label, value })),
      { title: 'samples per rudiment', width: 620 },
    )}</div><div>`,
  );
  parts.push(`<div class="card">${barChartSvg(Object.entries(f.samplesPerPreset).map(([label, value]) => ({ label, value })), { title: 'samples per augmentation preset', width: 460, labelWidth: 130 })}</div>`);
  parts.push(`<div class="card">${barChartSvg(Object.entries(f.samplesPerSoundfont).map(([label, value]) => ({ label, value })), { title: 'samples per soundfont', width: 460, labelWidth: 130 })}</div>`);
  parts.push(
    `<div class="card">${barChartSvg(
      SKILL_TIERS.map((t) => ({ label: t, value: f.samplesPerTier[t] ?? 0, colour: TIER_COLOURS[t] })),
      { title: 'samples per tier', width: 460, labelWidth: 130 },
    )}</div>`,
  );
  parts.push(`<div class="card">${barChartSvg(Object.entries(f.samplesPerSplit).map(([label, value]) => ({ label, value })), { title: 'samples per split', width: 460, labelWidth: 130 })}</div>`);
  parts.push('</div></div>');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Validation: ${esc(ctx.datasetPath)} (${report.passed ? 'passed' : 'failed'})</title>
<style>${CSS}</style>
</head>
<body><main>
${parts.join('\n')}
</main></body>
</html>
`;
}
