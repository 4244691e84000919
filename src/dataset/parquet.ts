/**
 * Streaming Parquet writer: rows in, Parquet bytes out to a sink, one row group per
 * `rowGroupRows` rows, with memory bounded by a couple of row groups whatever the table size
 * (the original rewrote every file on each flush, quadratic in dataset size).
 *
 * Built on parquet-wasm's `transformParquetStream` (a ReadableStream of wasm RecordBatches in,
 * a ReadableStream of bytes out). Row-group boundaries depend only on the row sequence, so the
 * same rows always give the same bytes.
 */
import * as arrow from 'apache-arrow';
import type { ParquetWasm } from '../platform/parquet.js';
import { ColumnBuffer, type ColumnSpec, type Row } from './columns.js';
import { DatasetError } from '../errors.js';

/** Where Parquet bytes go (a file under a temporary name, a memory buffer, an upload…). */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** Drop what was written (on error); must not throw. */
  abort(): Promise<void>;
}

export interface ParquetWriterOptions {
  /** Rows per row group (and per flushed batch). Default 65 536. */
  rowGroupRows: number;
  /** Compression codec. Default `zstd` (pandas, DuckDB and the HF viewer read it). */
  compression: 'zstd' | 'snappy' | 'uncompressed';
  /** Extra key/value metadata stored in the Parquet footer. */
  keyValueMetadata: Readonly<Record<string, string>>;
}

export const DEFAULT_PARQUET_WRITER_OPTIONS: Readonly<ParquetWriterOptions> = Object.freeze({
  rowGroupRows: 65_536,
  compression: 'zstd',
  keyValueMetadata: {},
});

export class ParquetStreamWriter {
  private readonly buffer: ColumnBuffer;
  private readonly opts: ParquetWriterOptions;
  private readonly queue: unknown[] = [];
  private wake: (() => void) | null = null;
  private drained: (() => void) | null = null;
  private ended = false;
  private started = false;
  private pump: Promise<void> | null = null;
  private failure: unknown = null;
  private rows = 0;

  constructor(
    private readonly pq: ParquetWasm,
    readonly tableName: string,
    readonly columns: readonly ColumnSpec[],
    private readonly sink: ByteSink,
    opts?: Partial<ParquetWriterOptions>,
  ) {
    this.opts = { ...DEFAULT_PARQUET_WRITER_OPTIONS, ...opts };
    this.buffer = new ColumnBuffer(tableName, columns);
  }

  /** Rows appended so far. */
  get rowCount(): number {
    return this.rows;
  }

  private properties() {
    const pq = this.pq;
    const codec =
      this.opts.compression === 'zstd'
        ? pq.Compression.ZSTD
        : this.opts.compression === 'snappy'
          ? pq.Compression.SNAPPY
          : pq.Compression.UNCOMPRESSED;
    let b = new pq.WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(this.opts.rowGroupRows);
    const kv = Object.entries(this.opts.keyValueMetadata);
    if (kv.length > 0) b = b.setKeyValueMetadata(new Map(kv));
    return b.build();
  }

  private start(): void {
    this.started = true;
    const stream = new ReadableStream({
      pull: async (controller) => {
        while (this.queue.length === 0 && !this.ended) {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
        const next = this.queue.shift();
        if (next !== undefined) controller.enqueue(next);
        else controller.close();
        if (this.queue.length < 2 && this.drained) {
          const d = this.drained;
          this.drained = null;
          d();
        }
      },
    });
    this.pump = (async () => {
      const out = await this.pq.transformParquetStream(stream, this.properties());
      const reader = (out as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        await this.sink.write(value);
      }
    })().catch((e: unknown) => {
      this.failure = e;
      // unblock a producer waiting for the queue to drain
      const d = this.drained;
      this.drained = null;
      d?.();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Append one row; flushes a row group (awaiting back-pressure) when it is full. */
  async append(row: object, extra?: Row): Promise<void> {
    this.buffer.append(row, extra);
    this.rows++;
    if (this.buffer.length >= this.opts.rowGroupRows) await this.flush();
  }

  /**
   * Append every record batch of a Parquet file's bytes (same schema) without decoding rows in
   * JS: used to merge chunk parts into the final tables.
   */
  async appendParquet(bytes: Uint8Array): Promise<void> {
    await this.flush();
    if (this.failure) throw this.wrap(this.failure);
    const table = this.pq.readParquet(bytes);
    for (const batch of table.recordBatches()) {
      this.rows += batch.numRows;
      this.queue.push(batch);
    }
    if (!this.started) this.start();
    this.notify();
    while (this.queue.length >= 2 && !this.failure) {
      await new Promise<void>((resolve) => (this.drained = resolve));
    }
    if (this.failure) throw this.wrap(this.failure);
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.wrap(this.failure);
    if (this.buffer.length === 0) return;
    const table = this.buffer.drain();
    const wasmTable = this.pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
    for (const batch of wasmTable.recordBatches()) this.queue.push(batch);
    if (!this.started) this.start();
    this.notify();
    if (this.queue.length >= 2) {
      await new Promise<void>((resolve) => (this.drained = resolve));
    }
    if (this.failure) throw this.wrap(this.failure);
  }

  /** Flush the last row group, finish the file and close the sink. */
  async close(): Promise<void> {
    try {
      if (this.rows === 0) {
        // transformParquetStream needs at least one batch to learn the schema.
        const empty = this.buffer.drain();
        const bytes = this.pq.writeParquet(this.pq.Table.fromIPCStream(arrow.tableToIPC(empty, 'stream')), this.properties());
        await this.sink.write(bytes);
      } else {
        await this.flush();
        this.ended = true;
        this.notify();
        await this.pump;
        if (this.failure) throw this.wrap(this.failure);
      }
      await this.sink.close();
    } catch (e) {
      await this.sink.abort();
      throw e instanceof DatasetError ? e : this.wrap(e);
    }
  }

  /** Abandon the file (nothing is left under the final name). */
  async abort(): Promise<void> {
    this.ended = true;
    this.notify();
    await this.pump?.catch(() => undefined);
    await this.sink.abort();
  }

  private wrap(e: unknown): DatasetError {
    return new DatasetError('PARQUET_WRITE_FAILED', `writing ${this.tableName} failed: ${String(e)}`, { cause: e });
  }
}

/** A sink that keeps everything in memory (tests, browsers). */
export class MemorySink implements ByteSink {
  private chunks: Uint8Array[] = [];
  bytes: Uint8Array | null = null;
  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(chunk.slice());
  }
  async close(): Promise<void> {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    this.bytes = out;
    this.chunks = [];
  }
  async abort(): Promise<void> {
    this.chunks = [];
  }
}
