/**
 * {@link DatasetIO} over the file system (Node, and Deno through its node: compatibility).
 * Every file is written under a temporary name in its own directory and renamed into place,
 * so a crash or an error never leaves a half-written file under a final name.
 */
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DatasetIO } from '../dataset/generate.js';
import type { ByteSink } from '../dataset/parquet.js';

let tmpCounter = 0;
function tmpName(path: string): string {
  const pid = typeof process !== 'undefined' ? process.pid : 0;
  return join(dirname(path), `.${path.split(/[\\/]/).pop()}.${pid}.${tmpCounter++}.tmp`);
}

export class NodeDatasetIO implements DatasetIO {
  private readonly madeDirs = new Set<string>();
  constructor(readonly root: string) {}

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  async writeFile(path: string, bytes: Uint8Array): Promise<void> {
    const full = join(this.root, path);
    await this.ensureDir(dirname(full));
    const tmp = tmpName(full);
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, full);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async openSink(path: string): Promise<ByteSink> {
    const full = join(this.root, path);
    await this.ensureDir(dirname(full));
    const tmp = tmpName(full);
    const handle = await open(tmp, 'w');
    let closed = false;
    return {
      async write(chunk: Uint8Array) {
        await handle.write(chunk);
      },
      async close() {
        await handle.close();
        closed = true;
        await rename(tmp, full);
      },
      async abort() {
        if (!closed) await handle.close().catch(() => undefined);
        closed = true;
        await rm(tmp, { force: true }).catch(() => undefined);
      },
    };
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(join(this.root, path)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async listRoot(): Promise<string[]> {
    try {
      return (await readdir(this.root)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return ['(a file)'];
      throw e;
    }
  }
}
