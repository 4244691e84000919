// The npm registry mirror used here carries only the linux-x64 builds of packages that ship
// per-platform binaries as optional dependencies (deno, @duckdb/node-bindings). `npm install`
// then leaves the other platforms out of package-lock.json while still listing them as optional
// dependencies, and `npm ci` refuses such a lock ("Missing: @deno/darwin-arm64 from lock file").
// This drops optional-dependency references to packages the lock does not contain. Run it after
// any `npm install` that rewrites the lock: `node scripts/prune-lock.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((k) => k.replace(/^.*node_modules\//, '')));
let dropped = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      dropped++;
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`prune-lock: dropped ${dropped} optional dependencies absent from the registry`);
