/**
 * `sousa-wasm publish <namespace/name>`: stage a generated dataset as Hub configs and upload it.
 * Exit codes: 0 success, 1 error, 2 usage error, 130 interrupted.
 *
 * Everything this command prints passes through {@link Output}, which replaces the token with
 * `[token]` should any message ever contain it (none is meant to).
 *
 * Also holds {@link NodeHubFileIO}, the file-system implementation of the hub stage's I/O.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DatasetError, SousaError } from '../../errors.js';
import type { ByteSink } from '../../dataset/parquet.js';
import { NodeDatasetIO } from '../../platform/node-io.js';
import { resolveHubToken } from '../../platform/hub-token.js';
import type { HubFileIO } from '../../hub/io.js';
import { parseRepoId } from '../../hub/repo-id.js';
import { stageDatasetIter, DEFAULT_STAGE_OPTIONS, type StagingResult } from '../../hub/stage.js';
import { loadDatasetForPublish, type CheckResult } from '../../hub/dataset.js';
import { loadParquetWasm } from '../../platform/parquet.js';
import { NodeDatasetReader } from '../../platform/node-reader.js';
import { validateDataset } from '../../validate/validate.js';
import { checkHubAccess, uploadStagingIter, DEFAULT_HUB_URL, DEFAULT_UPLOAD_OPTIONS, type UploadSummary } from '../../hub/upload.js';
import { fmtBytes } from '../../hub/card.js';

export const PUBLISH_HELP = `Usage: sousa-wasm publish <namespace/name> [options]

Turn a generated dataset into a Hugging Face Hub dataset: Parquet configs (audio with FLAC that
plays in the viewer, midi_only, labels_only, preview), auxiliary stroke/measure tables and a
generated dataset card, staged in a folder and then uploaded. The dataset must pass
"sousa-wasm validate" (run first); nothing is uploaded when it does not. Rerunning after an
interruption resumes: files already on the Hub with the same content are not sent again.

Options:
  --dir DIR                 generated dataset (default output/dataset)
  --staging DIR             staging folder (default DIR/.hub-staging); --dry-run leaves it for inspection
  --dry-run                 build the staging folder and list what would be uploaded; needs no token
  --private                 create the repository private
  --max-shard-size SIZE     largest Parquet shard, e.g. 500MB, 2GB, 256MiB (default 500MB)
  --preview-per-rudiment N  rows per rudiment in the preview config (default 2)
  --commit-size SIZE        new data per commit; more is split over several commits (default 25GB)
  --token TOKEN             Hub token (prefer HF_TOKEN or the "huggingface-cli login" token file:
                            a --token value is visible to other users of this machine)
  --hub-url URL             Hub endpoint (default $HF_ENDPOINT, else ${DEFAULT_HUB_URL})
  --no-xet                  use classic LFS transfers even where the Hub offers xet
  --skip-validate           do not run "sousa-wasm validate" first (the basic checks still run:
                            manifest, tables, counts, referenced files); for datasets just validated
  --quiet                   no progress output, only the summary
  --help                    this text

Token: --token, else HF_TOKEN, else $HF_TOKEN_PATH / $HF_HOME/token / ~/.cache/huggingface/token.
It is sent only to the Hub and never printed or written.`;

class UsageError extends Error {}

/** Parse `500MB`, `2GB`, `256MiB`, `1e9` or a plain byte count. */
export function parseSize(text: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmgt]i?b?|b)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`${option} must be a size like 500MB, 2GB or 256MiB, got "${text}"`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const pow = { b: 0, k: 1, m: 2, g: 3, t: 4 }[unit[0] as 'b' | 'k' | 'm' | 'g' | 't'];
  const base = unit.includes('i') ? 1024 : 1000;
  return Math.round(Number(m[1]) * base ** pow);
}

/** {@link HubFileIO} over a folder of the file system. */
export class NodeHubFileIO implements HubFileIO {
  private readonly inner: NodeDatasetIO;
  constructor(readonly root: string) {
    this.inner = new NodeDatasetIO(root);
  }
  private full(path: string): string {
    return join(this.root, path);
  }
  readFile(path: string): Promise<Uint8Array | null> {
    return this.inner.readFile(path);
  }
  async fileSize(path: string): Promise<number | null> {
    try {
      const s = await stat(this.full(path));
      return s.isFile() ? s.size : null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw e;
    }
  }
  writeFile(path: string, bytes: Uint8Array): Promise<void> {
    return this.inner.writeFile(path, bytes);
  }
  openSink(path: string): Promise<ByteSink> {
    return this.inner.openSink(path);
  }
  async removeFile(path: string): Promise<void> {
    await rm(this.full(path), { force: true });
  }
  sha256(path: string): Promise<string> {
    return new Promise((res, rej) => {
      const h = createHash('sha256');
      createReadStream(this.full(path))
        .on('data', (c) => h.update(c))
        .on('error', rej)
        .on('end', () => res(h.digest('hex')));
    });
  }
  blob(path: string): Promise<Blob> {
    return openAsBlob(this.full(path));
  }
  listRoot(): Promise<string[]> {
    return this.inner.listRoot();
  }
  describe(path: string): string {
    return path === '.' ? this.root : this.full(path);
  }
}

/** Terminal output with the token redacted; progress redrawn on a TTY, sparse lines otherwise. */
class Output {
  private secret: string | null = null;
  private lastLine = 0;
  private lastPct = -1;
  private open = false;
  /** Progress and info lines off; results and errors still print. */
  quiet = false;
  setSecret(token: string): void {
    this.secret = token;
  }
  redact(text: string): string {
    return this.secret ? text.split(this.secret).join('[token]') : text;
  }
  out(text: string): void {
    this.endProgress();
    process.stdout.write(this.redact(text) + '\n');
  }
  err(text: string): void {
    this.endProgress();
    process.stderr.write(this.redact(text) + '\n');
  }
  info(text: string): void {
    if (!this.quiet) this.err(text);
  }
  progress(label: string, done: number, total: number, unit: 'files' | 'bytes'): void {
    if (this.quiet || total <= 0) return;
    const pct = Math.floor((done / total) * 100);
    const shown = unit === 'bytes' ? `${fmtBytes(done)} / ${fmtBytes(total)}` : `${done}/${total}`;
    if (process.stderr.isTTY) {
      const now = Date.now();
      if (now - this.lastLine < 100 && done < total) return;
      this.lastLine = now;
      const width = 24;
      const filled = Math.round((done / total) * width);
      process.stderr.write(this.redact(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${shown}   `));
      this.open = true;
    } else if (pct >= this.lastPct + 10 || done === total) {
      this.lastPct = done === total ? -1 : pct;
      process.stderr.write(this.redact(`${label}: ${pct}% (${shown})\n`));
    }
  }
  endProgress(): void {
    if (this.open) process.stderr.write('\n');
    this.open = false;
  }
}

/**
 * Run `sousa-wasm validate` on the dataset; refuse to publish when a check fails. Returns the
 * results for the card's validation section.
 */
async function runValidate(dir: string, io: Output, signal: AbortSignal): Promise<CheckResult[]> {
  io.info(`validating ${dir} (sousa-wasm validate; --skip-validate skips this)`);
  const report = await validateDataset(new NodeDatasetReader(dir), { signal }, (e) => {
    if (e.type === 'progress') io.progress(`validate: ${e.stage}`, e.done, e.total, 'files');
  });
  io.endProgress();
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (failed.length > 0) {
    throw new DatasetError(
      'HUB_VALIDATE_FAILED',
      `${dir} fails ${failed.length} check(s) of sousa-wasm validate:\n  - ` +
        failed.map((c) => `${c.id}: ${c.message}`).join('\n  - ') +
        `\nFix: run "sousa-wasm validate ${dir}" for the full report, then regenerate the dataset; nothing was uploaded`,
    );
  }
  io.info(`validation passed: ${report.counts.pass} passed, ${report.counts.warn} warning(s), ${report.counts.skip} skipped`);
  return report.checks.map((c) => ({ name: c.id, passed: c.status !== 'fail', status: c.status, detail: c.message }));
}

function hubUrlOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const raw = flag ?? env.HF_ENDPOINT ?? DEFAULT_HUB_URL;
  const from = flag !== undefined ? '--hub-url' : env.HF_ENDPOINT !== undefined ? 'HF_ENDPOINT' : 'the default';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`${from} must be an http(s) URL like ${DEFAULT_HUB_URL}, got "${raw}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`${from} must be an http(s) URL like ${DEFAULT_HUB_URL}, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function intOption(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer, got "${v}"`);
  return Number(v);
}

/** The `publish` command. */
export async function cmdPublish(args: string[]): Promise<number> {
  const io = new Output();
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          help: { type: 'boolean' },
          dir: { type: 'string' },
          staging: { type: 'string' },
          'dry-run': { type: 'boolean' },
          private: { type: 'boolean' },
          'max-shard-size': { type: 'string' },
          'preview-per-rudiment': { type: 'string' },
          'commit-size': { type: 'string' },
          token: { type: 'string' },
          'hub-url': { type: 'string' },
          'no-xet': { type: 'boolean' },
          'skip-validate': { type: 'boolean' },
          quiet: { type: 'boolean' },
        },
      });
    } catch (e) {
      // never echo the argument list: it may hold the token
      throw new UsageError((e as Error).message.split('\n')[0]!);
    }
    const v = parsed.values;
    if (v.token !== undefined) io.setSecret(v.token.trim());
    if (v.help) {
      io.out(PUBLISH_HELP);
      return 0;
    }
    io.quiet = Boolean(v.quiet);
    if (parsed.positionals.length !== 1) {
      throw new UsageError(
        parsed.positionals.length === 0
          ? 'missing the repository id, e.g. sousa-wasm publish my-user/sousa --dir ./ds'
          : `expected one repository id, got ${parsed.positionals.length} arguments`,
      );
    }
    let repo;
    try {
      repo = parseRepoId(parsed.positionals[0]!);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const hubUrl = hubUrlOf(v['hub-url'], process.env);
    const dir = resolve(v.dir ?? 'output/dataset');
    const stagingDir = resolve(v.staging ?? join(dir, '.hub-staging'));
    const maxShardBytes = v['max-shard-size'] ? parseSize(v['max-shard-size'], '--max-shard-size') : DEFAULT_STAGE_OPTIONS.maxShardBytes;
    const maxCommitBytes = v['commit-size'] ? parseSize(v['commit-size'], '--commit-size') : DEFAULT_UPLOAD_OPTIONS.maxCommitBytes;
    const previewPerRudiment = intOption('preview-per-rudiment', v['preview-per-rudiment'], DEFAULT_STAGE_OPTIONS.previewPerRudiment);
    const dryRun = Boolean(v['dry-run']);

    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    // Everything that can fail locally or on a cheap request goes before the staging run:
    // token, dataset checks, then whether the Hub accepts the token for this namespace.
    let token: { token: string; source: string } | null = null;
    if (!dryRun) {
      token = await resolveHubToken({ flag: v.token, env: process.env });
      io.setSecret(token.token);
    }
    const source = new NodeHubFileIO(dir);
    const staging = new NodeHubFileIO(stagingDir);
    const snapshot = await loadDatasetForPublish(source, await loadParquetWasm());
    if (token) {
      const user = await checkHubAccess({ repo: repo.full, accessToken: token.token, tokenSource: token.source, hubUrl });
      io.info(`token from ${token.source} accepted (user ${user}); publishing to ${hubUrl}/datasets/${repo.full}`);
    }
    const validation = v['skip-validate'] ? null : await runValidate(dir, io, controller.signal);

    io.info(`staging ${dir} into ${stagingDir}`);
    const stageIt = stageDatasetIter(source, staging, {
      repoId: repo.full,
      maxShardBytes,
      previewPerRudiment,
      snapshot,
      validation,
      signal: controller.signal,
    });
    let staged: StagingResult;
    for (;;) {
      const r = await stageIt.next();
      if (r.done) {
        staged = r.value;
        break;
      }
      const e = r.value;
      if (e.type === 'checked') {
        io.info(`dataset checks passed: ${e.samples} samples, ${e.hasAudio ? 'with' : 'without'} audio; configs ${e.configs.join(', ')}`);
      } else if (e.type === 'planned') {
        io.info(`writing ${e.files} files (at most ${fmtBytes(e.estimatedBytes)} of Parquet)`);
      } else if (e.type === 'file') {
        io.progress('staging', e.done, e.total, 'files');
      } else {
        io.progress('hashing', e.done, e.total, 'files');
      }
    }
    io.endProgress();
    const mbps = staged.parquetMs > 0 ? staged.parquetBytes / 1e6 / (staged.parquetMs / 1000) : 0;
    io.info(`staged ${staged.files.length} files, ${fmtBytes(staged.files.reduce((n, f) => n + f.size, 0))} (Parquet written at ${mbps.toFixed(1)} MB/s)`);

    if (dryRun) {
      io.out(`dry run: nothing uploaded. ${hubUrl}/datasets/${repo.full} would receive these ${staged.files.length} files from ${stagingDir}:`);
      for (const f of staged.files) io.out(`  ${f.path.padEnd(48)} ${fmtBytes(f.size).padStart(9)}  sha256 ${f.sha256.slice(0, 12)}`);
      for (const c of staged.configs) {
        io.out(`config ${c.spec.name}${c.isDefault ? ' (default)' : ''}: ${c.splits.map((s) => `${s.name} ${s.numExamples} rows in ${s.files.length} shard(s)`).join(', ')}`);
      }
      return 0;
    }

    const upIt = uploadStagingIter(staged.files, staging, {
      repo: repo.full,
      accessToken: token!.token,
      tokenSource: token!.source,
      hubUrl,
      private: Boolean(v.private),
      maxCommitBytes,
      useXet: !v['no-xet'],
      signal: controller.signal,
    });
    let summary: UploadSummary;
    for (;;) {
      const r = await upIt.next();
      if (r.done) {
        summary = r.value;
        break;
      }
      const e = r.value;
      switch (e.type) {
        case 'repo':
          io.info(e.created ? `created ${e.url}${v.private ? ' (private)' : ''}` : `${e.url} exists; updating it`);
          break;
        case 'plan':
          io.info(
            `to upload: ${e.upload} files (${fmtBytes(e.uploadBytes)}); already on the Hub: ${e.skip} (${fmtBytes(e.skipBytes)})` +
              `${e.remove ? `; stale files to remove: ${e.remove}` : ''}; commits: ${e.commits}`,
          );
          break;
        case 'commit-start':
          io.info(`commit ${e.index}/${e.total}: ${e.files} files, ${fmtBytes(e.bytes)}`);
          break;
        case 'progress':
          io.progress(e.state === 'hashing' ? 'hashing' : 'uploading', e.bytesDone, e.bytesTotal, 'bytes');
          break;
        case 'retry':
          io.info(`retry ${e.retry.attempt} in ${(e.retry.delayMs / 1000).toFixed(1)} s after ${e.retry.reason} (${e.retry.request})`);
          break;
        case 'commit-done':
          io.info(`commit ${e.index}/${e.total} done (${e.oid.slice(0, 12)})`);
          break;
        case 'verified':
          io.info(`verified: the Hub has all ${e.files} files with the staged sizes and hashes`);
          break;
        default:
          break;
      }
    }
    io.endProgress();
    io.out(
      `published ${summary.url}\n` +
        `  uploaded ${summary.uploaded.length} files (${fmtBytes(summary.uploadedBytes)}) in ${summary.commits} commit(s); ` +
        `skipped ${summary.skipped.length} already there${summary.removed.length ? `; removed ${summary.removed.length} stale` : ''}`,
    );
    return 0;
  } catch (e) {
    io.endProgress();
    if (e instanceof UsageError) {
      io.err(`sousa-wasm publish: ${e.message}\nRun "sousa-wasm publish --help" for usage.`);
      return 2;
    }
    if (controller.signal.aborted || (e instanceof Error && e.name === 'AbortError')) {
      io.err('sousa-wasm publish: interrupted; rerun the same command to resume (finished files are not sent again)');
      return 130;
    }
    if (e instanceof SousaError) {
      io.err(`sousa-wasm publish: error [${e.code}]: ${e.message}`);
      return 1;
    }
    io.err(`sousa-wasm publish: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
