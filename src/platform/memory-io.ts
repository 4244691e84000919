/** {@link DatasetIO} in memory: for browsers, workers and tests. */
import type { DatasetIO } from '../dataset/generate.js';
import { MemorySink, type ByteSink } from '../dataset/parquet.js';

export class MemoryDatasetIO implements DatasetIO {
  readonly files = new Map<string, Uint8Array>();

  async writeFile(path: string, bytes: Uint8Array): Promise<void> {
    this.files.set(path, bytes.slice());
  }

  async openSink(path: string): Promise<ByteSink> {
    const inner = new MemorySink();
    const files = this.files;
    return {
      write: (c) => inner.write(c),
      async close() {
        await inner.close();
        files.set(path, inner.bytes!);
      },
      abort: () => inner.abort(),
    };
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    return this.files.get(path) ?? null;
  }

  async list(dir: string): Promise<string[]> {
    const prefix = dir.endsWith('/') ? dir : dir + '/';
    const names = new Set<string>();
    for (const k of this.files.keys()) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0]!);
    return [...names].sort();
  }

  async remove(path: string): Promise<void> {
    for (const k of [...this.files.keys()]) if (k === path || k.startsWith(path + '/')) this.files.delete(k);
  }

  async listRoot(): Promise<string[]> {
    return [...new Set([...this.files.keys()].map((p) => p.split('/')[0]!))].sort();
  }
}
