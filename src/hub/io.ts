/**
 * File access the hub stage needs, as an interface: the platform layer (or the CLI) supplies a
 * file-system implementation, tests and browsers can supply one over memory. Paths are relative
 * to the folder the instance stands for and `/`-separated.
 */
import type { ByteSink } from '../dataset/parquet.js';

export interface HubFileIO {
  /** A file's bytes, or null if it does not exist. */
  readFile(path: string): Promise<Uint8Array | null>;
  /** A file's size in bytes, or null if it does not exist. */
  fileSize(path: string): Promise<number | null>;
  /** Write a whole file atomically (temporary name, then rename). */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** A streaming sink whose file appears under `path` only when it is closed. */
  openSink(path: string): Promise<ByteSink>;
  /** Remove a file if it exists. */
  removeFile(path: string): Promise<void>;
  /** Lower-case hex SHA-256 of a file, streamed (memory does not grow with the file). */
  sha256(path: string): Promise<string>;
  /** The file as a Blob that reads lazily (what the upload sends). */
  blob(path: string): Promise<Blob>;
  /** Names in the folder's root (empty if the folder does not exist). */
  listRoot(): Promise<string[]>;
  /** Human-readable location of `path`, for messages. */
  describe(path: string): string;
}

const enc = new TextEncoder();

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('Web Crypto (crypto.subtle) is not available in this runtime');
  return s;
}

/** SHA-256 of bytes held in memory (Web Crypto; every runtime we target has it). */
export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  return hex(await subtle().digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/**
 * Git blob id (SHA-1 of `blob {size}\0` + content): what the Hub reports as `oid` for files
 * stored in git rather than LFS, so small files can be compared without downloading them.
 */
export async function gitBlobSha1(bytes: Uint8Array): Promise<string> {
  const header = enc.encode(`blob ${bytes.length}\0`);
  const all = new Uint8Array(header.length + bytes.length);
  all.set(header, 0);
  all.set(bytes, header.length);
  return hex(await subtle().digest('SHA-1', all));
}
