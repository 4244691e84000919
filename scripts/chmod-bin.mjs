// tsc writes dist/cli/bin.js without the executable bit; `npx sousa-wasm` in this package's own
// checkout runs that file directly, so make it executable (npm does this only for installed
// dependencies' bins, and not reliably for the root package after `prepare`).
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/bin.js', import.meta.url), 0o755);
