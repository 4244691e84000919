/**
 * The `sousa-wasm` command line. Turns arguments into library calls and progress events into
 * a progress bar (terminal) or plain lines (pipes, CI). Exit codes: 0 success, 1 failure,
 * 2 usage error.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { SousaError } from '../errors.js';
import { VERSION } from '../version.js';
import { PRESETS, PRESET_NAMES, resolveConfig, countSamples, countChunks, type ConfigInput } from '../dataset/plan.js';
import {
  generateDatasetIter,
  mergeShards,
  shardChunks,
  type ChunkRunner,
  type GenerateSummary,
  type ShardSpec,
} from '../dataset/generate.js';
import { loadAugmenter, type ImpulseResponse } from '../dataset/augmenter.js';
import { AUGMENTATION_PRESETS, DEFAULT_AUGMENTATION_PRESETS, describePresets } from '../augment/index.js';
import { readImpulseResponses } from '../platform/ir-files.js';
import { CAPS } from '../platform/capabilities.js';
import { createNodePool } from '../platform/node-pool.js';
import { readSoundfontPaths } from '../platform/soundfont-files.js';
import {
  BUILTIN_SOUNDFONT_NAMES,
  builtinSoundfont,
  collectSoundfonts,
  userSoundfont,
  type SoundfontSource,
} from '../synth/soundfonts.js';
import { BUILTIN_KITS } from '../synth/kits/definitions.js';
import { cmdStats, cmdValidate, validateAfterGenerate } from './commands/validate.js';
import { cmdPublish } from './commands/publish.js';
import { NodeDatasetIO } from '../platform/node-io.js';
import { loadRudiments } from '../rudiments/index.js';
import { Progress } from './progress.js';

class UsageError extends Error {}

const HELP: Record<string, string> = {
  main: `sousa-wasm ${VERSION}: synthetic drum-rudiment datasets (40 PAS rudiments, player profiles, MIDI, labels)

Usage: sousa-wasm <command> [options]

Commands:
  generate     generate a dataset (MIDI, optional FLAC audio, Parquet labels, splits)
  merge        join shard directories into one dataset
  validate     check a dataset (integrity, labels vs MIDI and audio, statistics); HTML report
  stats        print a dataset overview
  publish      publish a dataset to the Hugging Face Hub (Parquet configs, playable audio, card)
  rudiments    list the 40 rudiments (slug, PAS number, category, tempo range)
  presets      list the generation and augmentation presets
  soundfonts   list or export the built-in snare kits

Run "sousa-wasm <command> --help" for a command's options.
Options: --version, --help`,
  generate: `Usage: sousa-wasm generate [options]

Generate a labelled dataset: one MIDI file per sample under midi/{slug}/, with --with-audio one
FLAC per sample under audio/{slug}/, the label tables labels/{samples,exercises,measures,strokes}.parquet,
splits.json (by player), index.json and manifest.json.

Dataset size:
  --preset NAME          tiny | small | medium | full (default tiny)
                           tiny    4 profiles x 40 rudiments x 1 tempo               =     160
                           small  10 profiles x 40 rudiments x 3 tempos (x 1 aug)    =   1,200
                           medium 50 x 40 x 3 (x 2 augmentations with audio)         =  12,000
                           full  100 x 40 x 5 (x 5 augmentations with audio)         = 100,000
  --profiles N           number of player profiles (overrides the preset)
  --tempos N             tempos per rudiment and profile, drawn in each rudiment's range
  --rudiments LIST       comma-separated slugs (underscore or hyphen form), default all 40
  --cycles N             pattern cycles per exercise (default 4)
  --seed N               global seed (default 42); same seed, same bytes

Audio:
  --with-audio           render every sample with FluidSynth (WASM) to 24-bit FLAC
  --kits LIST|none       built-in snare kits to draw from (default all: pad, concert,
                         marching, kitsnare, piccolo, rimclick)
  --soundfont PATH       add an SF2/SF3 file or a folder of them (repeatable)
  --augmentations N      augmented recordings per performance (default: the preset's;
                         0 = one dry recording)
  --augment-presets LIST presets to draw from (default the five of SOUSA; see "presets")
  --ir-dir DIR           impulse responses (WAV or FLAC) to use for the room stage; a file
                         whose name starts with a preset's room type (e.g. church_*.wav) is
                         preferred for that room
  --channels 1|2         mono (default) or stereo FLAC

Running:
  --out DIR              output directory (default output/dataset). A non-empty directory is
                         refused unless it holds a run of the same configuration.
  --workers N            worker threads (default: the machine's cores); output is identical
                         for any N
  --resume               finish an interrupted run of the same configuration in --out
  --shard i/n            generate slice i of n (auto/n reads JOB_COMPLETION_INDEX or
                         SLURM_ARRAY_TASK_ID); join the slices with "sousa-wasm merge"
  --chunk-size N         performances per work chunk (default 200, 8 with audio)
  --skip-validation      do not validate the dataset at the end
  --quiet                no progress output, only the summary
  --help                 this text`,
  merge: `Usage: sousa-wasm merge OUT SHARD_DIR...

Join the directories written by "generate --shard i/n" (same options, every i once) into OUT.
The result is byte-identical to a single-machine run. OUT must be new or empty.`,
  soundfonts: `Usage: sousa-wasm soundfonts list [--json] [--soundfont PATH]...
       sousa-wasm soundfonts export DIR

list: the built-in snare kits (and any --soundfont files) with size, preset and snare key.
export: write the built-in kits as .sf2 files into DIR (to inspect or use elsewhere).`,
  rudiments: `Usage: sousa-wasm rudiments [--json]

List the 40 PAS rudiments with slug, number, category, cycle length, mirroring and tempo range.`,
  presets: `Usage: sousa-wasm presets [--json]

List the generation presets (profiles, tempos, augmentations) and the 11 augmentation presets
with every parameter they apply and its per-sample range.`,
};

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
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

function listOption(value: string | boolean | string[] | undefined): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  return value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** `--shard i/n` or `--shard auto/n` (index from a Kubernetes Indexed Job or a Slurm array). */
export function parseShard(value: string, env: Readonly<Record<string, string | undefined>>): ShardSpec {
  const m = /^(auto|\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new UsageError(`--shard must be i/n or auto/n (e.g. 0/4), got "${value}"`);
  const count = Number(m[2]);
  if (count < 1) throw new UsageError(`--shard count must be at least 1, got ${count}`);
  let index: number;
  if (m[1] === 'auto') {
    const raw = env.JOB_COMPLETION_INDEX ?? env.SLURM_ARRAY_TASK_ID;
    if (raw === undefined || !/^\d+$/.test(raw)) {
      throw new UsageError(
        '--shard auto/n needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array) set to the shard index',
      );
    }
    index = Number(raw);
  } else index = Number(m[1]);
  if (index >= count) throw new UsageError(`--shard index must be in 0..${count - 1}, got ${index}`);
  return { index, count };
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
    'with-audio': { type: 'boolean' },
    soundfont: { type: 'string', multiple: true },
    kits: { type: 'string' },
    augmentations: { type: 'string' },
    'augment-presets': { type: 'string' },
    'ir-dir': { type: 'string' },
    channels: { type: 'string' },
    workers: { type: 'string' },
    resume: { type: 'boolean' },
    shard: { type: 'string' },
    'chunk-size': { type: 'string' },
    'skip-validation': { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP.generate);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const withAudio = Boolean(values['with-audio']);
  const soundfontPaths = (values.soundfont as unknown as string[] | undefined) ?? [];
  if (!withAudio) {
    for (const flag of ['soundfont', 'kits', 'augmentations', 'augment-presets', 'ir-dir', 'channels']) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --with-audio`);
    }
  }
  const channels = intOption('channels', values.channels as string | undefined);
  if (channels !== undefined && channels !== 1 && channels !== 2) throw new UsageError(`--channels must be 1 or 2, got ${channels}`);
  const workers = intOption('workers', values.workers as string | undefined) ?? CAPS.hardwareConcurrency;
  if (workers < 1) throw new UsageError('--workers must be at least 1');
  const shard = typeof values.shard === 'string' ? parseShard(values.shard, process.env) : undefined;

  let audio: ConfigInput['audio'];
  let sources: SoundfontSource[] = [];
  let augmentPresets: string[] = [];
  let impulseResponses: ImpulseResponse[] = [];
  if (withAudio) {
    const kitList = listOption(values.kits);
    const kits = kitList === undefined ? [...BUILTIN_SOUNDFONT_NAMES] : kitList.length === 1 && kitList[0] === 'none' ? [] : kitList;
    const userFiles = await readSoundfontPaths(soundfontPaths);
    sources = await collectSoundfonts(kits, userFiles);
    if (!values.quiet) {
      for (const s of sources) {
        if (s.origin === 'builtin') continue;
        process.stderr.write(`soundfont ${s.origin} → "${s.name}": ${s.summary.snare.reason}\n`);
        for (const note of s.summary.notes) process.stderr.write(`  note: ${note}\n`);
      }
    }
    const presetName = (values.preset as string | undefined) ?? 'tiny';
    const augmentations =
      intOption('augmentations', values.augmentations as string | undefined) ??
      PRESETS[presetName as keyof typeof PRESETS]?.augmentations ??
      0;
    const wanted = listOption(values['augment-presets']);
    if (wanted !== undefined || augmentations > 0) augmentPresets = await augmentationPresets(wanted);
    const irs = typeof values['ir-dir'] === 'string' ? await readImpulseResponses(values['ir-dir']) : [];
    impulseResponses = irs.map((r) => ({ name: r.name, samples: r.samples }));
    audio = {
      soundfonts: sources.map((s) => ({ name: s.name, sha256: s.sha256 })),
      impulseResponses: irs.map((r) => ({ name: r.name, sha256: r.sha256 })),
      augmentations,
      augmentPresets,
      channels: channels as 1 | 2 | undefined,
    };
  }
  const config = resolveConfig({
    preset: values.preset as string | undefined,
    seed: intOption('seed', values.seed as string | undefined),
    profiles: intOption('profiles', values.profiles as string | undefined),
    tempos: intOption('tempos', values.tempos as string | undefined),
    numCycles: intOption('cycles', values.cycles as string | undefined),
    rudiments: listOption(values.rudiments),
    chunkPerformances: intOption('chunk-size', values['chunk-size'] as string | undefined),
    audio,
  });
  const out = resolve((values.out as string | undefined) ?? 'output/dataset');
  const quiet = Boolean(values.quiet);
  const io = new NodeDatasetIO(out);
  if (values.resume) io.removeStaleTemporaries();
  const progress = new Progress(process.stderr, quiet);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const totalChunks = countChunks(config);
  const poolSize = Math.min(workers, Math.max(1, totalChunks));
  let runner: ChunkRunner | undefined;
  let summary: GenerateSummary;
  try {
    if (poolSize > 1) {
      runner = await createNodePool(
        config,
        poolSize,
        sources.map((s) => ({ name: s.name, origin: s.origin, bytes: s.bytes })),
        impulseResponses,
      );
    }
    const augment = config.audio && config.audio.augmentations > 0 ? await loadAugmenter(impulseResponses) : undefined;
    const it = generateDatasetIter(config, io, {
      signal: controller.signal,
      where: out,
      resume: Boolean(values.resume),
      shard,
      runner,
      engine: { soundfonts: sources, augment },
    });
    for (;;) {
      const r = await it.next();
      if (r.done) {
        summary = r.value;
        break;
      }
      const e = r.value;
      if (e.type === 'plan') {
        const parts = [
          `${config.profiles} profiles x ${config.rudiments.length} rudiments x ${config.temposPerRudiment} tempos`,
          config.audio ? `x ${Math.max(1, config.audio.augmentations)} recordings, ${config.audio.soundfonts.length} soundfonts` : 'symbolic',
          `seed ${config.seed}`,
          shard ? `shard ${shard.index}/${shard.count}` : null,
          `${poolSize} worker${poolSize > 1 ? 's' : ''}`,
        ].filter(Boolean);
        progress.line(`generating ${e.totalSamples} samples (${parts.join(', ')}) into ${out}`);
        const mine = shardChunks(e.totalChunks, shard ?? null).length;
        if (e.chunksToDo < mine) progress.line(`resuming: ${mine - e.chunksToDo} of ${mine} chunks already complete`);
        progress.start(e.totalSamples);
      } else if (e.type === 'chunk') {
        progress.update(e.samplesDone, `chunk ${e.chunk}`);
      } else {
        progress.finish();
        progress.line(`${e.step}…`);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.finish();
    await runner?.close();
  }
  console.log(
    [
      `done: ${summary.samples} samples generated${summary.chunksSkipped ? ` (${summary.chunksSkipped} chunks resumed)` : ''}` +
        (summary.merged ? `; dataset: ${summary.totalSamples} samples, ${summary.strokes} strokes, ${summary.measures} measures, ${summary.profiles} profiles` : `; shard ${shard!.index}/${shard!.count} complete (run "sousa-wasm merge" when all shards are done)`),
      `splits (profiles): train ${summary.splits.train}, validation ${summary.splits.validation}, test ${summary.splits.test}`,
      `time: ${(summary.elapsedMs / 1000).toFixed(2)} s, ${summary.samplesPerSec.toFixed(1)} samples/s`,
      `output: ${out}`,
    ].join('\n'),
  );
  if (summary.merged && !values['skip-validation'] && validateHook) {
    return validateHook(out, quiet);
  }
  return 0;
}

/** Runs validation at the end of generate (replaceable for embedding). */
let validateHook: ((dir: string, quiet: boolean) => Promise<number>) | null = validateAfterGenerate;
export function setValidateHook(hook: ((dir: string, quiet: boolean) => Promise<number>) | null): void {
  validateHook = hook;
}

/** The preset names to draw augmentations from (all valid, else a usage error listing them). */
async function augmentationPresets(wanted: string[] | undefined): Promise<string[]> {
  const all: readonly string[] = AUGMENTATION_PRESETS;
  if (wanted === undefined) return [...DEFAULT_AUGMENTATION_PRESETS];
  const bad = wanted.filter((w) => !all.includes(w));
  if (bad.length > 0) {
    throw new UsageError(`unknown augmentation preset${bad.length > 1 ? 's' : ''} ${bad.map((b) => `"${b}"`).join(', ')}; valid presets: ${all.join(', ')}`);
  }
  return [...new Set(wanted)];
}

async function cmdMerge(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { quiet: { type: 'boolean' } });
  if (values.help) {
    console.log(HELP.merge);
    return 0;
  }
  const [outArg, ...dirs] = positionals;
  if (!outArg || dirs.length === 0) throw new UsageError('merge needs an output directory and at least one shard directory');
  const out = resolve(outArg);
  const t0 = performance.now();
  const counts = await mergeShards(
    new NodeDatasetIO(out),
    dirs.map((d) => ({ io: new NodeDatasetIO(resolve(d)), where: resolve(d) })),
    out,
  );
  console.log(`merged ${dirs.length} shards into ${out}: ${counts.samples} samples, ${counts.strokes} strokes, ${counts.measures} measures in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return 0;
}

async function cmdSoundfonts(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, soundfont: { type: 'string', multiple: true } });
  const [sub, dir] = positionals;
  if (values.help || sub === undefined) {
    console.log(HELP.soundfonts);
    return values.help ? 0 : 2;
  }
  const kits = await Promise.all(BUILTIN_SOUNDFONT_NAMES.map((n) => builtinSoundfont(n)));
  const user = await Promise.all(
    (await readSoundfontPaths((values.soundfont as unknown as string[] | undefined) ?? [])).map((f) => userSoundfont(f.fileName, f.bytes)),
  );
  const all = [...kits, ...user];
  if (sub === 'list') {
    const rows = all.map((s) => ({
      name: s.name,
      origin: s.origin,
      bytes: s.bytes.length,
      sha256: s.sha256,
      preset: `${s.bank}:${s.program} ${s.summary.snare.presetName}`,
      key: s.key,
      description: s.origin === 'builtin' ? (BUILTIN_KITS.find((k) => k.name === s.name)?.description ?? '') : s.summary.name,
    }));
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else {
      const w = Math.max(6, ...rows.map((r) => r.preset.length));
      console.log(`name      size       ${'preset'.padEnd(w)}  key  description`);
      for (const r of rows) {
        console.log(`${r.name.padEnd(9)} ${(r.bytes / 1e6).toFixed(2).padStart(6)} MB  ${r.preset.padEnd(w)} ${String(r.key).padStart(4)}  ${r.description}`);
      }
    }
    return 0;
  }
  if (sub === 'export') {
    if (!dir) throw new UsageError('soundfonts export needs a directory');
    const io = new NodeDatasetIO(resolve(dir));
    for (const k of kits) await io.writeFile(`${k.name}.sf2`, k.bytes);
    console.log(`wrote ${kits.length} built-in kits to ${resolve(dir)}`);
    return 0;
  }
  throw new UsageError(`unknown soundfonts subcommand "${sub}"; use list or export`);
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
    return { name, ...p, symbolicSamples: symbolic, samplesWithAudio: symbolic * Math.max(1, p.augmentations) };
  });
  const augmentation = describePresets();
  if (values.json) {
    console.log(JSON.stringify({ generation: rows, augmentation }, null, 2));
    return 0;
  }
  console.log('Generation presets');
  console.log('preset  profiles  tempos  augmentations  samples (symbolic)  samples (audio)');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(7)} ${String(r.profiles).padStart(8)}  ${String(r.temposPerRudiment).padStart(6)}  ${String(r.augmentations).padStart(13)}  ${String(r.symbolicSamples).padStart(18)}  ${String(r.samplesWithAudio).padStart(15)}`,
    );
  }
  console.log('\nAugmentation presets (--augment-presets; * = default set; per-sample ranges in parentheses)');
  for (const p of augmentation) {
    console.log(`${p.isDefault ? '*' : ' '} ${p.name.padEnd(19)} ${p.summary}`);
    for (const [k, v] of Object.entries(p.parameters)) console.log(`      ${k.padEnd(30)} ${v}`);
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
      case 'merge':
        return await cmdMerge(rest);
      case 'validate':
        return await cmdValidate(rest);
      case 'stats':
        return await cmdStats(rest);
      case 'publish':
        return await cmdPublish(rest);
      case 'soundfonts':
        return await cmdSoundfonts(rest);
      default:
        throw new UsageError(`unknown command "${command}"; commands: generate, merge, validate, stats, publish, rudiments, presets, soundfonts`);
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
