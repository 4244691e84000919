/**
 * {@link DatasetReader} over the file system (Node, and Deno through its node: compatibility):
 * what `sousa-wasm validate` and `stats` read a dataset through. Read-only.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetReader } from '../validate/types.js';

export class NodeDatasetReader implements DatasetReader {
  constructor(readonly root: string) {}

  async readFile(path: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(join(this.root, path)));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
      throw e;
    }
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await readdir(join(this.root, dir))).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw e;
    }
  }
}
