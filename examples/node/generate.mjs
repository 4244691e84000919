/**
 * Use sousa-wasm from a Node script: generate two rudiments for three players into a folder,
 * then print the first performance's strokes.
 *
 *   node examples/node/generate.mjs ./ds-example
 */
import { generateDataset, resolveConfig, generateProfiles, getRudiment, generatePerformance } from '../../dist/index.js';
import { NodeDatasetIO } from '../../dist/node.js';

const out = process.argv[2] ?? './ds-example';
const config = resolveConfig({ profiles: 3, tempos: 2, rudiments: ['flam', 'single_paradiddle'] });
const summary = await generateDataset(config, new NodeDatasetIO(out), { where: out });
console.log(`${summary.samples} samples written to ${out} (${summary.samplesPerSec.toFixed(0)} samples/s)`);

const [player] = generateProfiles(42, 1);
const perf = generatePerformance({ rudiment: getRudiment('flam'), profile: player, tempoBpm: 90, seed: 42, key: 'example' });
for (const s of perf.strokes.slice(0, 6)) {
  console.log(`${s.hand} ${s.strokeType.padEnd(6)} ${s.actualTimeMs.toFixed(1).padStart(7)} ms  v${s.actualVelocity}`);
}
