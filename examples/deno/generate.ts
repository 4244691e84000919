/**
 * Generate the tiny preset under Deno, with the same library code as Node.
 *
 *   npm ci                                   # builds dist/ and wasm/
 *   npx deno run -A examples/deno/generate.ts ./ds-deno [--preset tiny] [--seed 42]
 *
 * Deno reads the npm dependencies from node_modules (package.json is detected) and the
 * library's node: imports through its Node compatibility layer.
 */
import { generateDataset, resolveConfig } from '../../dist/index.js';
import { NodeDatasetIO } from '../../dist/node.js';

declare const Deno: { args: string[]; exit(code: number): never };

const [out, ...rest] = Deno.args;
if (!out) {
  console.error('usage: deno run -A examples/deno/generate.ts OUT_DIR [--preset NAME] [--seed N]');
  Deno.exit(2);
}
const opt = (name: string): string | undefined => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
const config = resolveConfig({
  preset: opt('preset') ?? 'tiny',
  seed: opt('seed') === undefined ? undefined : Number(opt('seed')),
});
const summary = await generateDataset(config, new NodeDatasetIO(out), { where: out });
console.log(`deno: ${summary.samples} samples, ${summary.strokes} strokes in ${(summary.elapsedMs / 1000).toFixed(2)} s`);
