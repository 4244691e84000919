/**
 * `sousa-wasm validate DIR` and `sousa-wasm stats DIR`. Exit codes: 0 the dataset passed (or
 * the overview was printed), 1 a check failed or the dataset is unreadable, 2 usage error.
 */
import { parseArgs } from 'node:util';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, basename, resolve } from 'node:path';
import { SousaError } from '../../errors.js';
import { NodeDatasetReader } from '../../platform/node-reader.js';
import { validateDatasetIter } from '../../validate/validate.js';
import { formatSummary, reportToJson, type ReportContext } from '../../validate/report.js';
import { renderHtmlReport } from '../../validate/html.js';
import { datasetOverview, formatOverviewMarkdown, formatOverviewText } from '../../validate/overview.js';
import { DEFAULT_VALIDATE_OPTIONS, type ValidateOptions, type ValidationReport } from '../../validate/types.js';

export const VALIDATE_HELP = `Usage: sousa-wasm validate DIR [options]

Check a generated dataset and exit 0 if it passes, 1 if any check fails (2: usage error).
Checks: Parquet integrity, manifest/index, unique ids, references between tables, all 15 scores
in range, stroke and measure counts, stroke indices and values, the sticking of every cycle,
MIDI = stroke labels for every sample, files exist, splits, FLAC integrity (every file), audio
levels, audio onsets = label onsets (a seeded choice of files), tier ordering, tier separation
(one-way ANOVA), literature ranges of timing SD / velocity CV / tempo drift per tier, score
correlations, and balance per rudiment, tier, tempo band, soundfont and preset. Statistical
checks need ${DEFAULT_VALIDATE_OPTIONS.minSamplesPerTier} samples per tier and are skipped (with the reason) below that.

Options:
  --json FILE              write the full report (every check with all its numbers) as JSON
  --html FILE              write a self-contained HTML report with plots (no network needed)
  --strict                 warnings (literature ranges, correlations, balance, clipping) fail
  --seed N                 seed of the audio files chosen for checks (default ${DEFAULT_VALIDATE_OPTIONS.seed})
  --flac-files N|all       FLAC files decoded and verified (default all)
  --onset-files N          audio files checked for onset alignment (default ${DEFAULT_VALIDATE_OPTIONS.onsetFiles})
  --min-samples-per-tier N samples a tier needs for the statistical checks (default ${DEFAULT_VALIDATE_OPTIONS.minSamplesPerTier})
  --quiet                  print only the verdict line
  --help                   this text`;

export const STATS_HELP = `Usage: sousa-wasm stats DIR [--json | --markdown]

Print an overview of a dataset: counts, tiers, splits, samples per rudiment, preset and
soundfont, completeness of MIDI/audio files, and the mean of every score per tier.
It judges nothing; use "sousa-wasm validate" for that.

Options:
  --json        machine-readable JSON
  --markdown    Markdown tables (for a dataset card or an issue)
  --help        this text`;

class UsageError extends Error {}

interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>): Parsed {
  try {
    const r = parseArgs({ args, options: { help: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function intOption(name: string, v: string | boolean | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} needs a value`);
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${v}"`);
  return Number(v);
}

async function datasetDir(positionals: string[], command: string): Promise<string> {
  if (positionals.length === 0) throw new UsageError(`${command} needs the dataset directory: sousa-wasm ${command} DIR`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const dir = resolve(positionals[0]!);
  const st = await stat(dir).catch(() => null);
  if (!st) throw new UsageError(`no dataset at ${dir}: the directory does not exist`);
  if (!st.isDirectory()) throw new UsageError(`no dataset at ${dir}: it is a file, expected a dataset directory`);
  return dir;
}

/** Write a report file under a temporary name, then rename (never a half-written report). */
async function writeAtomic(path: string, text: string): Promise<void> {
  const full = resolve(path);
  const tmp = join(dirname(full), `.${basename(full)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, full);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function run(command: string, help: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`sousa-wasm ${command}: ${e.message}\n${help.split('\n')[0]}`);
      return 2;
    }
    if (e instanceof SousaError) {
      console.error(`sousa-wasm ${command}: error [${e.code}]: ${e.message}`);
      return 1;
    }
    console.error(`sousa-wasm ${command}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

export async function cmdValidate(args: string[]): Promise<number> {
  return run('validate', VALIDATE_HELP, async () => {
    const { values, positionals } = parse(args, {
      json: { type: 'string' },
      html: { type: 'string' },
      strict: { type: 'boolean' },
      seed: { type: 'string' },
      'flac-files': { type: 'string' },
      'onset-files': { type: 'string' },
      'min-samples-per-tier': { type: 'string' },
      quiet: { type: 'boolean' },
    });
    if (values.help) {
      console.log(VALIDATE_HELP);
      return 0;
    }
    const dir = await datasetDir(positionals, 'validate');
    const flac = values['flac-files'];
    const opts: Partial<ValidateOptions> = {
      strict: Boolean(values.strict),
      seed: intOption('seed', values.seed, 0),
      flacFiles: flac === undefined || flac === 'all' ? Number.POSITIVE_INFINITY : intOption('flac-files', flac, 0),
      onsetFiles: intOption('onset-files', values['onset-files'], 0),
      minSamplesPerTier: intOption('min-samples-per-tier', values['min-samples-per-tier'], 2),
    };
    for (const k of Object.keys(opts) as (keyof ValidateOptions)[]) if (opts[k] === undefined) delete opts[k];
    const quiet = Boolean(values.quiet);
    const tty = Boolean(process.stderr.isTTY) && !quiet;
    const controller = new AbortController();
    const onSignal = () => controller.abort(new Error('interrupted'));
    process.once('SIGINT', onSignal);
    let report: ValidationReport;
    try {
      const it = validateDatasetIter(new NodeDatasetReader(dir), { ...opts, signal: controller.signal });
      for (;;) {
        const r = await it.next();
        if (r.done) {
          report = r.value;
          break;
        }
        const e = r.value;
        if (!tty) continue;
        if (e.type === 'stage') process.stderr.write(`\r\x1b[Kvalidating: ${e.stage}…`);
        else if (e.type === 'progress') process.stderr.write(`\r\x1b[Kvalidating: ${e.stage} ${e.done}/${e.total}`);
      }
    } finally {
      process.off('SIGINT', onSignal);
      if (tty) process.stderr.write('\r\x1b[K');
    }
    const ctx: ReportContext = { datasetPath: dir, generatedAt: new Date().toISOString() };
    const summary = formatSummary(report, ctx, { colour: Boolean(process.stdout.isTTY) });
    console.log(quiet ? summary.split('\n').filter((l) => /^(PASSED|FAILED|failed checks)/.test(l)).join('\n') : summary);
    if (typeof values.json === 'string') {
      await writeAtomic(values.json, reportToJson(report, ctx));
      if (!quiet) console.log(`JSON report: ${resolve(values.json)}`);
    }
    if (typeof values.html === 'string') {
      await writeAtomic(values.html, renderHtmlReport(report, ctx));
      if (!quiet) console.log(`HTML report: ${resolve(values.html)}`);
    }
    return report.passed ? 0 : 1;
  });
}

export async function cmdStats(args: string[]): Promise<number> {
  return run('stats', STATS_HELP, async () => {
    const { values, positionals } = parse(args, { json: { type: 'boolean' }, markdown: { type: 'boolean' } });
    if (values.help) {
      console.log(STATS_HELP);
      return 0;
    }
    if (values.json && values.markdown) throw new UsageError('choose one of --json and --markdown');
    const dir = await datasetDir(positionals, 'stats');
    const o = await datasetOverview(new NodeDatasetReader(dir));
    console.log(values.json ? JSON.stringify(o, null, 2) : values.markdown ? formatOverviewMarkdown(o) : formatOverviewText(o));
    return 0;
  });
}

/**
 * What `generate` runs at the end unless --skip-validation: `validate DIR` with the default
 * options (wire it with `setValidateHook(validateAfterGenerate)` in main.ts; this module does not
 * import main.ts, so there is no import cycle).
 */
export function validateAfterGenerate(dir: string, quiet: boolean): Promise<number> {
  return cmdValidate(quiet ? [dir, '--quiet'] : [dir]);
}
