/**
 * The `sousa-wasm` command line. Turns arguments into library calls and progress events into
 * a progress bar (terminal) or plain lines (pipes, CI). Exit codes: 0 success, 1 failure,
 * 2 usage error.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { SousaError } from '../errors.js';
import { VERSION } from '../version.js';
import { PRESETS, PRESET_NAMES, resolveConfig, countSamples } from '../dataset/plan.js';
import { generateDatasetIter, type GenerateSummary } from '../dataset/generate.js';
import { NodeDatasetIO } from '../platform/node-io.js';
import { loadRudiments } from '../rudiments/index.js';
import { Progress } from './progress.js';

class UsageError extends Error {}

const HELP: Record<string, string> = {
  main: `sousa-wasm ${VERSION}: synthetic drum-rudiment datasets (40 PAS rudiments, player profiles, MIDI, labels)

Usage: sousa-wasm <command> [options]

Commands:
  generate     generate a dataset (MIDI + Parquet labels + splits)
  rudiments    list the 40 rudiments (slug, PAS number, category, tempo range)
  presets      list the generation presets

Run "sousa-wasm <command> --help" for a command's options.
Options: --version, --help`,
  generate: `Usage: sousa-wasm generate [options]

Generate a labelled dataset: one MIDI file per sample under midi/{slug}/, the label tables
labels/{samples,exercises,measures,strokes}.parquet, splits.json (by player) and index.json.

Options:
  --preset NAME      tiny | small | medium | full (default tiny)
                       tiny   4 profiles x 40 rudiments x 1 tempo  =    160 samples
                       small 10 profiles x 40 rudiments x 3 tempos =  1,200 samples
                       medium 50 x 40 x 3 (x 2 augmentations with audio)
                       full  100 x 40 x 5 (x 5 augmentations with audio)
  --out DIR          output directory (default output/dataset). A non-empty directory is
                     refused unless it holds a run of the same configuration.
  --seed N           global seed (default 42); same seed, same bytes
  --profiles N       number of player profiles (overrides the preset)
  --tempos N         tempos per rudiment and profile, drawn in each rudiment's range
  --rudiments LIST   comma-separated slugs (underscore or hyphen form), default all 40
  --cycles N         pattern cycles per exercise (default 4)
  --quiet            no progress output, only the summary
  --help             this text`,
  rudiments: `Usage: sousa-wasm rudiments [--json]

List the 40 PAS rudiments with slug, number, category, cycle length, mirroring and tempo range.`,
  presets: `Usage: sousa-wasm presets [--json]

List the generation presets with their profile, tempo and augmentation counts.`,
};

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function parse(args: string[], options: OptionSpec): Parsed {
  try {
    const r = parseArgs({ args, options: { help: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

async function cmdGenerate(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    preset: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    profiles: { type: 'string' },
    tempos: { type: 'string' },
    rudiments: { type: 'string' },
    cycles: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP.generate);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const config = resolveConfig({
    preset: values.preset as string | undefined,
    seed: intOption('seed', values.seed as string | undefined),
    profiles: intOption('profiles', values.profiles as string | undefined),
    tempos: intOption('tempos', values.tempos as string | undefined),
    numCycles: intOption('cycles', values.cycles as string | undefined),
    rudiments:
      values.rudiments === undefined
        ? undefined
        : (values.rudiments as string)
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
  });
  const out = resolve((values.out as string | undefined) ?? 'output/dataset');
  const quiet = Boolean(values.quiet);
  const io = new NodeDatasetIO(out);
  const progress = new Progress(process.stderr, quiet);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const it = generateDatasetIter(config, io, { signal: controller.signal, where: out });
  let summary: GenerateSummary;
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) {
        summary = r.value;
        break;
      }
      const e = r.value;
      if (e.type === 'plan') {
        progress.line(
          `generating ${e.totalSamples} samples (${config.profiles} profiles x ${config.rudiments.length} rudiments x ${config.temposPerRudiment} tempos, seed ${config.seed}) into ${out}`,
        );
        progress.start(e.totalSamples);
      } else if (e.type === 'sample') {
        progress.update(e.done, e.sampleId);
      } else {
        progress.finish();
        progress.line(`writing ${e.step}…`);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.finish();
  }
  console.log(
    [
      `done: ${summary.samples} samples, ${summary.strokes} strokes, ${summary.measures} measures, ${summary.profiles} profiles`,
      `splits (profiles): train ${summary.splits.train}, validation ${summary.splits.validation}, test ${summary.splits.test}`,
      `time: ${(summary.elapsedMs / 1000).toFixed(2)} s, ${summary.samplesPerSec.toFixed(0)} samples/s`,
      `output: ${out}`,
    ].join('\n'),
  );
  return 0;
}

async function cmdRudiments(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  if (values.help) {
    console.log(HELP.rudiments);
    return 0;
  }
  const rs = loadRudiments();
  if (values.json) {
    console.log(JSON.stringify(rs, null, 2));
    return 0;
  }
  console.log('PAS  slug                         category  cycle  mirror  tempo BPM  strokes');
  for (const r of rs) {
    const graces = r.strokes.reduce((n, s) => n + (s.ornament === 'flam' ? 1 : s.ornament === 'drag' ? 2 : 0), 0);
    console.log(
      `${String(r.pasNumber).padStart(3)}  ${r.slug.padEnd(28)} ${r.category.padEnd(9)} ${String(+r.cycleBeats.toFixed(3)).padStart(5)}  ${(r.mirror ? 'yes' : 'no').padEnd(6)}  ${`${r.tempoRangeBpm[0]}-${r.tempoRangeBpm[1]}`.padEnd(9)}  ${r.strokes.length}+${graces}`,
    );
  }
  return 0;
}

async function cmdPresets(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  if (values.help) {
    console.log(HELP.presets);
    return 0;
  }
  const rows = PRESET_NAMES.map((name) => {
    const p = PRESETS[name];
    const symbolic = countSamples(resolveConfig({ preset: name }));
    return { name, ...p, symbolicSamples: symbolic, samplesWithAudio: symbolic * p.augmentations };
  });
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log('preset  profiles  tempos  augmentations  samples (symbolic)  samples (audio)');
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(7)} ${String(r.profiles).padStart(8)}  ${String(r.temposPerRudiment).padStart(6)}  ${String(r.augmentations).padStart(13)}  ${String(r.symbolicSamples).padStart(18)}  ${String(r.samplesWithAudio).padStart(15)}`,
      );
    }
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        console.log(HELP.main);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        console.log(VERSION);
        return 0;
      case 'generate':
        return await cmdGenerate(rest);
      case 'rudiments':
        return await cmdRudiments(rest);
      case 'presets':
        return await cmdPresets(rest);
      default:
        throw new UsageError(`unknown command "${command}"; commands: generate, rudiments, presets`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`sousa-wasm: ${e.message}\nRun "sousa-wasm ${command && HELP[command] ? command + ' ' : ''}--help" for usage.`);
      return 2;
    }
    if (e instanceof SousaError) {
      console.error(`sousa-wasm: error [${e.code}]: ${e.message}`);
      return 1;
    }
    if (e instanceof Error && (e.message === 'interrupted' || e.name === 'AbortError')) {
      console.error('sousa-wasm: interrupted; files already written are complete, nothing is half-written');
      return 130;
    }
    console.error(`sousa-wasm: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
