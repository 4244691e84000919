/**
 * The cluster examples work as written: the Slurm array script runs each shard and the merge
 * step (here without Slurm, by setting what Slurm sets), and the Kubernetes manifests describe
 * an Indexed Job whose completions match the shard count in its arguments.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { snapshot, treeDiff } from '../helpers/snapshot.js';

const root = resolve(import.meta.dirname, '../..');
const script = join(root, 'examples/cluster/slurm-array.sh');
const sousa = `${process.execPath} ${join(root, 'dist/cli/bin.js')}`;
const GEN = '--profiles 3 --tempos 1 --chunk-size 7 --seed 5 --quiet --skip-validation';

describe('examples/cluster', () => {
  it('slurm-array.sh: 3 array tasks and the merge step give the single-machine dataset', () => {
    const out = mkdtempSync(join(tmpdir(), 'sousa-slurm-'));
    const env = { ...process.env, SOUSA: sousa, SHARDS: '3', OUT_ROOT: out, GEN_OPTS: GEN };
    for (const i of ['0', '1', '2']) {
      execFileSync('bash', [script], { env: { ...env, STEP: 'shard', SLURM_ARRAY_TASK_ID: i, SLURM_CPUS_PER_TASK: '1' }, stdio: 'pipe' });
    }
    execFileSync('bash', [script], { env: { ...env, STEP: 'merge' }, stdio: 'pipe' });
    const single = join(out, 'single');
    execFileSync(process.execPath, [join(root, 'dist/cli/bin.js'), 'generate', ...GEN.split(' '), '--workers', '1', '--out', single], { stdio: 'pipe' });
    expect(treeDiff(snapshot(single), snapshot(join(out, 'dataset')))).toEqual([]);
    const report = JSON.parse(readFileSync(join(out, 'validation.json'), 'utf8'));
    expect(report.passed ?? report.ok ?? report.summary?.passed).toBe(true);
  });

  it('slurm-array.sh refuses to run a shard outside an array task', () => {
    expect(() => execFileSync('bash', [script], { env: { ...process.env, SOUSA: sousa, STEP: 'shard', SLURM_ARRAY_TASK_ID: '' }, stdio: 'pipe' })).toThrow();
  });

  it('k8s manifests: Indexed Job with completions = shard count, merge over every shard', () => {
    const docs = parseAllDocuments(readFileSync(join(root, 'examples/cluster/k8s-indexed-job.yaml'), 'utf8')).map((d) => d.toJS());
    const job = docs.find((d) => d.kind === 'Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const args: string[] = job.spec.template.spec.containers[0].args;
    const shard = args.find((a) => a.startsWith('--shard='))!;
    expect(shard).toBe(`--shard=auto/${job.spec.completions}`);
    expect(args).toContain('--resume');
    expect(args.some((a) => a.includes('$(JOB_COMPLETION_INDEX)'))).toBe(true);
    const merge = parseAllDocuments(readFileSync(join(root, 'examples/cluster/k8s-merge-job.yaml'), 'utf8'))[0]!.toJS();
    const cmd: string = merge.spec.template.spec.containers[0].args[0];
    expect(cmd).toContain(`seq -f '/data/shards/%g' 0 ${job.spec.completions - 1}`);
    expect(cmd).toMatch(/sousa-wasm merge \/data\/dataset/);
  });
});
