/**
 * The Hugging Face access token, from (first found) `--token`, `HF_TOKEN`, the legacy
 * `HUGGING_FACE_HUB_TOKEN`, or the token file `huggingface-cli login` writes: `$HF_TOKEN_PATH`,
 * else `$HF_HOME/token`, else `$XDG_CACHE_HOME/huggingface/token`, else
 * `~/.cache/huggingface/token` (huggingface_hub's order).
 *
 * The token is never printed, logged or written: messages name where it came from and what was
 * wrong with it, never any of its characters.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HubError } from '../errors.js';

export interface HubTokenSources {
  /** Value of `--token`, if given. */
  flag?: string;
  /** Environment. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory. Default `os.homedir()`. */
  homeDir?: string;
}

export interface HubToken {
  /** The secret itself: pass it to the Hub client only. */
  token: string;
  /** Where it came from, safe to print: `--token`, `HF_TOKEN`, or the file path. */
  source: string;
}

/** The token file huggingface_hub reads and writes. */
export function tokenFilePath(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  if (env.HF_TOKEN_PATH) return env.HF_TOKEN_PATH;
  if (env.HF_HOME) return join(env.HF_HOME, 'token');
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'huggingface', 'token');
  return join(homeDir, '.cache', 'huggingface', 'token');
}

const HOW_TO_GET =
  'create a token with write access at https://huggingface.co/settings/tokens, then pass it with --token, ' +
  'set HF_TOKEN, or save it with "huggingface-cli login"';

/** Throws a {@link HubError} unless `token` looks like a Hub access token (`hf_` + letters/digits). */
export function checkTokenFormat(token: string, source: string): void {
  const problems: string[] = [];
  if (!token.startsWith('hf_')) problems.push('does not start with "hf_"');
  if (/\s/.test(token)) problems.push('contains whitespace');
  else if (!/^[A-Za-z0-9_-]*$/.test(token)) problems.push('contains characters other than letters, digits, "_" and "-"');
  if (token.length < 8 || token.length > 256) problems.push(`has ${token.length} characters (expected 8-256)`);
  if (problems.length > 0) {
    throw new HubError('HUB_TOKEN_MALFORMED', `the Hugging Face token from ${source} is malformed: it ${problems.join(', ')}. Fix: ${HOW_TO_GET}`);
  }
}

/** Find the token; throws a {@link HubError} with the fix when there is none or it is malformed. */
export async function resolveHubToken(sources: HubTokenSources = {}): Promise<HubToken> {
  const env = sources.env ?? process.env;
  const found = await findToken(sources.flag, env, sources.homeDir ?? homedir());
  checkTokenFormat(found.token, found.source);
  return found;
}

async function findToken(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  homeDir: string,
): Promise<HubToken> {
  if (flag !== undefined) return { token: flag.trim(), source: '--token' };
  for (const name of ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN']) {
    const v = env[name];
    if (v !== undefined && v.trim() !== '') return { token: v.trim(), source: name };
  }
  const path = tokenFilePath(env, homeDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new HubError('HUB_TOKEN_MISSING', `no Hugging Face token: no --token, no HF_TOKEN, and no token file at ${path}. Fix: ${HOW_TO_GET}`);
    }
    throw new HubError('HUB_TOKEN_MISSING', `the token file ${path} cannot be read (${code ?? 'error'}). Fix: check its permissions, or ${HOW_TO_GET}`);
  }
  const token = text.trim();
  if (token === '') throw new HubError('HUB_TOKEN_MISSING', `the token file ${path} is empty. Fix: ${HOW_TO_GET}`);
  return { token, source: `token file ${path}` };
}
