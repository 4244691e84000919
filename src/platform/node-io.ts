/**
 * {@link DatasetIO} over the file system (Node, and Deno through its node: compatibility).
 * Every file is written under a temporary name in its own directory and renamed into place,
 * so a crash or an error never leaves a half-written file under a final name.
 */
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DatasetIO } from '../dataset/generate.js';
import type { ByteSink } from '../dataset/parquet.js';

const SYNC_WRITE_MAX_BYTES = 256 * 1024;
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
      // Small files (MIDI, labels parts) are written synchronously: for a few kB the promise
      // machinery of fs/promises costs more than the write itself (2x end-to-end, measured).
      if (bytes.length < SYNC_WRITE_MAX_BYTES) {
        writeFileSync(tmp, bytes);
        renameSync(tmp, full);
      } else {
        await writeFile(tmp, bytes);
        await rename(tmp, full);
      }
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
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return null;
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

  async remove(path: string): Promise<void> {
    await rm(join(this.root, path), { recursive: true, force: true });
    this.madeDirs.clear();
  }

  /** Delete temporary files a killed run left behind (`.name.pid.n.tmp`), anywhere in the tree. */
  removeStaleTemporaries(): number {
    let n = 0;
    const walk = (dir: string) => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.startsWith('.') && e.name.endsWith('.tmp')) {
          rmSync(p, { force: true });
          n++;
        }
      }
    };
    walk(this.root);
    return n;
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
