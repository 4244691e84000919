/**
 * Generate a dataset under Deno, with the same library code as Node.
 *
 *   npm ci                                   # builds dist/ and wasm/
 *   npx deno run -A examples/deno/generate.ts ./ds-deno [--preset tiny] [--seed 42]
 *       [--rudiments flam,drag] [--with-audio] [--augmentations N]
 *
 * Deno reads the npm dependencies from node_modules (package.json is detected) and the
 * library's node: imports through its Node compatibility layer.
 */
import { generateDataset, resolveConfig, collectSoundfonts, BUILTIN_SOUNDFONT_NAMES, augment } from '../../dist/index.js';
import { NodeDatasetIO } from '../../dist/node.js';
import { loadAugmenter } from '../../dist/dataset/augmenter.js';

declare const Deno: { args: string[]; exit(code: number): never };

const [out, ...rest] = Deno.args;
if (!out) {
  console.error('usage: deno run -A examples/deno/generate.ts OUT_DIR [--preset NAME] [--seed N] [--rudiments LIST] [--with-audio] [--augmentations N]');
  Deno.exit(2);
}
const opt = (name: string): string | undefined => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
const withAudio = rest.includes('--with-audio');
const augmentations = opt('augmentations') === undefined ? undefined : Number(opt('augmentations'));
const sources = withAudio ? await collectSoundfonts(BUILTIN_SOUNDFONT_NAMES, []) : [];
const config = resolveConfig({
  preset: opt('preset') ?? 'tiny',
  seed: opt('seed') === undefined ? undefined : Number(opt('seed')),
  rudiments: opt('rudiments')?.split(','),
  audio: withAudio
    ? {
        soundfonts: sources.map((s) => ({ name: s.name, sha256: s.sha256 })),
        augmentations,
        augmentPresets: (augmentations ?? 0) > 0 ? [...augment.DEFAULT_AUGMENTATION_PRESETS] : [],
      }
    : undefined,
});
const summary = await generateDataset(config, new NodeDatasetIO(out), {
  where: out,
  engine: { soundfonts: sources, augment: (augmentations ?? 0) > 0 ? await loadAugmenter() : undefined },
});
console.log(`deno: ${summary.totalSamples} samples, ${summary.strokes} strokes in ${(summary.elapsedMs / 1000).toFixed(2)} s`);
