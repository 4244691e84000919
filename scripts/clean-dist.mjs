// Removes dist/ before a TypeScript build so deleted sources never linger in the package.
import { rmSync } from 'node:fs';
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
