/**
 * Run by test/deno/augment-identity.test.ts under Deno (`deno run -A --sloppy-imports`, the sources
 * import `./x.js` for `./x.ts`): augments the identity signal with every preset and prints the
 * SHA-256 digests as one JSON line.
 */
import { augmentIdentityDigest } from '../helpers/augment-identity.js';

const digest = await augmentIdentityDigest();
console.log(`deno-augment: ${JSON.stringify(digest)}`);
