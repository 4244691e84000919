// Regenerates test/fixtures/random-golden.json from the TypeScript RNG (src/random/index.ts).
// Run only when the algorithm changes on purpose: `npx tsx scripts/make-random-golden.ts`.
// The fixture pins the numbers so that test/wasm-random.test.ts catches an accidental change to
// either implementation, not only a disagreement between them.
import { writeFileSync } from 'node:fs';
import { rngFor, streamSeed } from '../src/random/index.js';

const U64_MAX = (1n << 64n) - 1n;
const CASES: ReadonlyArray<readonly [bigint, string]> = [
  [0n, ''],
  [0n, 'a'],
  [1n, 'a'],
  [42n, 'profile/beg003'],
  [42n, 'perf/beg003_flam_96bpm'],
  [42n, 'perf/beg003_flam_96bpm/'],
  [7n, 'ünïcødé/ドラム/🥁'],
  [7n, '\u0000'],
  [2n ** 31n, 'x'],
  [2n ** 32n, 'x'],
  [2n ** 32n + 1n, 'x'],
  [2n ** 53n - 1n, 'max-safe'],
  [2n ** 53n + 1n, 'above-safe'],
  [12345678901234567890n, 'bigint'],
  [2n ** 63n, 'sign-bit'],
  [U64_MAX, 'all-ones'],
  [0x9e3779b97f4a7c15n, 'golden'],
  [123n, 'k'.repeat(300)],
  [123n, 'augment/room/τ=0.4s'],
  [20251121n, 'dataset/split/train'],
];

const cases = CASES.map(([seed, key]) => {
  const rng = rngFor(seed, key);
  const u32 = Array.from({ length: 8 }, () => rng.nextU32());
  const float = Array.from({ length: 8 }, () => rng.float());
  const normal = Array.from({ length: 8 }, () => rng.standardNormal());
  return { seed: seed.toString(), key, streamSeed: streamSeed(seed, key).toString(), u32, float, normal };
});

const out = new URL('../test/fixtures/random-golden.json', import.meta.url);
writeFileSync(out, `${JSON.stringify({ generator: 'scripts/make-random-golden.ts', cases }, null, 1)}\n`);
console.log(`wrote ${cases.length} cases to ${out.pathname}`);
