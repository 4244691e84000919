/**
 * Report formats: a console summary, the machine-readable JSON (every check with all of its
 * numbers, plus the plotted figures), and the self-contained HTML page (./html.ts).
 */
import { CHECK_GROUPS, type CheckResult, type ValidationReport } from './types.js';

export interface ReportContext {
  /** Where the dataset was read from, as the user gave it. */
  datasetPath: string;
  /** ISO time of the run (supplied by the caller: the core does not read the clock for it). */
  generatedAt: string;
}

const LABEL = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'skip' } as const;
const COLOUR = { pass: '\x1b[32m', warn: '\x1b[33m', fail: '\x1b[31m', skip: '\x1b[2m' } as const;

export interface SummaryOptions {
  /** ANSI colours (terminals). Default false. */
  colour: boolean;
  /** Problem examples printed under a failed or warning check. Default 3. */
  detailsPerCheck: number;
}

export const DEFAULT_SUMMARY_OPTIONS: Readonly<SummaryOptions> = Object.freeze({ colour: false, detailsPerCheck: 3 });

/** Console text: one line per check grouped by section, problem examples under failures, a verdict. */
export function formatSummary(report: ValidationReport, ctx: ReportContext, options?: Partial<SummaryOptions>): string {
  const o = { ...DEFAULT_SUMMARY_OPTIONS, ...options };
  const paint = (r: CheckResult, s: string) => (o.colour ? `${COLOUR[r.status]}${s}\x1b[0m` : s);
  const f = report.figures;
  const lines = [
    `sousa-wasm validate ${ctx.datasetPath}`,
    `${f.samples} samples, ${f.strokes} strokes, ${f.measures} measures, ${f.profiles} profiles`,
  ];
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const g of CHECK_GROUPS) {
    const checks = report.checks.filter((c) => c.group === g);
    if (!checks.length) continue;
    lines.push('', `${g}:`);
    for (const c of checks) {
      lines.push(`  ${paint(c, LABEL[c.status])}  ${c.id.padEnd(width)}  ${c.message}`);
      if (c.status === 'fail' || c.status === 'warn') {
        for (const d of c.details.slice(0, o.detailsPerCheck)) if (!c.message.includes(d)) lines.push(`        ${' '.repeat(width)}  - ${d}`);
      }
    }
  }
  const { pass, warn, fail, skip } = report.counts;
  lines.push('', `${report.passed ? 'PASSED' : 'FAILED'}: ${pass} passed, ${warn} warning(s), ${fail} failed, ${skip} skipped (${(report.elapsedMs / 1000).toFixed(1)} s)`);
  if (!report.passed) lines.push(`failed checks: ${report.checks.filter((c) => c.status === 'fail').map((c) => c.id).join(', ')}`);
  return lines.join('\n');
}

/** The JSON report: context, verdict, counts, every check with its numbers, and the figures. */
export function reportToJson(report: ValidationReport, ctx: ReportContext): string {
  return `${JSON.stringify({ dataset_path: ctx.datasetPath, generated_at: ctx.generatedAt, ...report }, jsonSafe, 2)}\n`;
}

/** NaN and ±Infinity are not JSON: write them as null. */
function jsonSafe(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
