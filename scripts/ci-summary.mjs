// Sums the Vitest JSON reports in test-results/ into one closing line for CI logs.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
const dir = new URL('../test-results/', import.meta.url);
let passed = 0, failed = 0, skipped = 0;
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const f of files) {
  const r = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${f.replace(/\.json$/, '')}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
if (files.length === 0) {
  console.log('no test reports found');
  process.exit(1);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
