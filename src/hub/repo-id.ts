/**
 * Dataset repository ids (`namespace/name`), checked before anything touches the network with
 * the Hub's own rules (huggingface_hub `validate_repo_id`): each part 1-96 characters of letters,
 * digits, `-`, `_` and `.`, starting and ending with a letter, digit or `_`, no `--` or `..`,
 * and the name not ending in `.git`.
 */
import { HubError } from '../errors.js';

export interface RepoId {
  /** User or organisation that owns the repository. */
  namespace: string;
  /** Repository name. */
  name: string;
  /** `namespace/name`. */
  full: string;
}

const PART = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;

/** Parse and check a dataset repo id; accepts an optional `datasets/` prefix. */
export function parseRepoId(input: string): RepoId {
  const raw = input.trim().replace(/^datasets\//, '');
  const fix = 'give it as namespace/name, e.g. my-user/sousa (letters, digits, "-", "_", "."; at most 96 characters each)';
  if (/^https?:\/\//.test(raw)) {
    const m = /\/datasets\/([^/]+\/[^/?#]+)/.exec(raw);
    throw new HubError(
      'HUB_REPO_ID_INVALID',
      `expected a repo id, got a URL "${input}"; ${m ? `use "${m[1]}"` : fix}`,
    );
  }
  const parts = raw.split('/');
  if (parts.length !== 2) {
    throw new HubError('HUB_REPO_ID_INVALID', `repo id "${input}" must have exactly one "/", got ${parts.length - 1}; ${fix}`);
  }
  const [namespace, name] = parts as [string, string];
  for (const [what, part] of [
    ['namespace', namespace],
    ['name', name],
  ] as const) {
    if (!PART.test(part) || part.includes('--') || part.includes('..')) {
      throw new HubError('HUB_REPO_ID_INVALID', `repo id "${input}": ${what} "${part}" is not valid; ${fix}, no "--" or ".."`);
    }
  }
  if (name.endsWith('.git')) {
    throw new HubError('HUB_REPO_ID_INVALID', `repo id "${input}": the name must not end in ".git"; ${fix}`);
  }
  return { namespace, name, full: `${namespace}/${name}` };
}
