/**
 * Benchmark of the symbolic generator (performance + MIDI + labels, then also Parquet/MIDI
 * files), on one core, against the original Python core's ~300 samples/s (measured without
 * file output; shared/reference/sousa-original.md §12.1 — a figure, not re-run here because
 * the original is not installed). Also the peak memory of a `full` preset symbolic run
 * (20,000 samples) in a child process.
 *
 *   npm run bench            (needs the build: npm ci or npm run build)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { resolveConfig, planPerformances, profilesAndSplits, SampleEngine, generateDataset } from '../dist/index.js';
import { NodeDatasetIO } from '../dist/node.js';

const PYTHON_SAMPLES_PER_SEC = 300;

// 1. compute only (what the Python figure measured): small preset, 1,200 samples
const config = resolveConfig({ preset: 'small' });
const { profiles, splits } = profilesAndSplits(config);
const plans = [...planPerformances(config, profiles)];
const engine = new SampleEngine(config);
// warm-up: one full pass (JIT for every rudiment's code paths), then the best of three passes
const tCold = performance.now();
for (const p of plans) await engine.build(p, splits);
const coldRate = plans.length / ((performance.now() - tCold) / 1000);
let ms = Infinity;
for (let pass = 0; pass < 3; pass++) {
  const t0 = performance.now();
  for (const p of plans) await engine.build(p, splits);
  ms = Math.min(ms, performance.now() - t0);
}
const computeRate = plans.length / (ms / 1000);

// 2. end to end with files (MIDI + 4 Parquet tables), in-process
const dir = mkdtempSync(join(tmpdir(), 'sousa-bench-'));
const summary = await generateDataset(config, new NodeDatasetIO(join(dir, 'small')));
const endToEndRate = summary.totalSamples / (summary.elapsedMs / 1000);

// 3. full preset, child process: samples/s and peak RSS
const child = execFileSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { resolveConfig, generateDataset } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
     import { NodeDatasetIO } from ${JSON.stringify(new URL('../dist/node.js', import.meta.url).href)};
     const s = await generateDataset(resolveConfig({ preset: 'full' }), new NodeDatasetIO(${JSON.stringify(join(dir, 'full'))}));
     console.log(JSON.stringify({ samples: s.samples, rate: s.samplesPerSec, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));`,
  ],
  { encoding: 'utf8' },
);
const full = JSON.parse(child.trim().split('\n').pop());
rmSync(dir, { recursive: true, force: true });

console.log(`symbolic generation, one core (node ${process.version})`);
console.log(`  compute only (performance + MIDI bytes + labels), small preset: ${computeRate.toFixed(0)} samples/s warm (best of 3 passes); first, cold pass ${coldRate.toFixed(0)} samples/s`);
console.log(`    ratio to the original Python core (~${PYTHON_SAMPLES_PER_SEC} samples/s, no file output): ${(computeRate / PYTHON_SAMPLES_PER_SEC).toFixed(1)}x (target >= 10x)`);
console.log(`  end to end with MIDI files + Parquet, small preset (${summary.samples} samples): ${endToEndRate.toFixed(0)} samples/s`);
console.log(`    ratio to compute only in this run: ${(endToEndRate / computeRate).toFixed(2)}`);
console.log(`  full preset (${full.samples} samples): ${full.rate.toFixed(0)} samples/s, peak RSS ${full.maxRssMiB.toFixed(0)} MiB (limit 1024 MiB)`);
