/** {@link DatasetReader} over bytes in memory: browsers, workers and tests. */
import type { DatasetReader } from './types.js';

export class MemoryDatasetReader implements DatasetReader {
  /** `files` maps relative paths (`labels/samples.parquet`) to bytes. */
  constructor(readonly files: ReadonlyMap<string, Uint8Array>) {}

  async readFile(path: string): Promise<Uint8Array | null> {
    return this.files.get(path) ?? null;
  }

  async list(dir: string): Promise<string[]> {
    const prefix = dir === '' || dir === '.' ? '' : `${dir.replace(/\/+$/, '')}/`;
    const names = new Set<string>();
    for (const p of this.files.keys()) if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]!);
    return [...names].sort();
  }
}
