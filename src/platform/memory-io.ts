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

  async listRoot(): Promise<string[]> {
    return [...new Set([...this.files.keys()].map((p) => p.split('/')[0]!))].sort();
  }
}
