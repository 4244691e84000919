/**
 * Run by test/deno/flac-identity.test.ts under Deno (`deno run -A --sloppy-imports`, the sources
 * import `./x.js` for `./x.ts`): renders and encodes the identity case with the tiny test SF2 and
 * with TimGM6mb, and writes the FLAC files to the directory given as the first argument.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { renderIdentityFlac } from '../helpers/identity-case.js';
import { tinySnareSf2 } from '../helpers/tiny-sf2.js';

const out = process.argv[2];
if (out === undefined) throw new Error('usage: flac-identity.deno.ts <output directory>');
const cases: [string, Uint8Array][] = [
  ['tiny', tinySnareSf2()],
  ['timgm6mb', new Uint8Array(readFileSync('/usr/share/sounds/sf2/TimGM6mb.sf2'))],
];
for (const [name, sf2] of cases) {
  for (const channels of [1, 2] as const) {
    const { flac, frames } = await renderIdentityFlac(sf2, name, channels);
    writeFileSync(join(out, `${name}-${channels}ch.flac`), flac);
    console.log(`deno: ${name} ${channels}ch ${frames} frames ${flac.length} bytes`);
  }
}
