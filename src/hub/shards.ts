/**
 * Parquet shards for the Hub: planning (which rows go to which `{split}-{i:05d}-of-{n:05d}`
 * file, by estimated size) and streaming writing.
 *
 * Shards are planned before any is written because the file names carry the shard count. The
 * estimate is an upper bound on the bytes a row adds (media bytes are stored as they are and
 * zstd cannot shrink FLAC; metadata is counted uncompressed), so a shard stays under the limit.
 *
 * Writing streams row groups through parquet-wasm's `transformParquetStream`: a row group is
 * built when the writer asks for it (pull), so memory holds about one row group of media, not a
 * shard and not the dataset. `setColumnCompression` is ignored for nested columns
 * (shared/reference/wasm-stack.md §3), so the audio struct is zstd like the rest.
 */
import * as arrow from 'apache-arrow';
import { ColumnBuffer, type CellValue, type ColumnSpec } from '../dataset/columns.js';
import type { ByteSink } from '../dataset/parquet.js';
import type { ParquetWasm } from '../platform/parquet.js';
import type { OutColumn } from './configs.js';

/** A row of a Hub config: plain cells plus the media. */
export interface OutRow {
  cells: Readonly<Record<string, CellValue>>;
  midi?: Uint8Array;
  audio?: { bytes: Uint8Array; path: string } | null;
}

export interface PlannedShard {
  /** `{config}/{split}-{i:05d}-of-{n:05d}.parquet` */
  path: string;
  config: string;
  split: string;
  index: number;
  count: number;
  /** Positions (into the caller's row list) of the rows, in order. */
  rows: number[];
  /** Upper-bound estimate of the file size. */
  estimatedBytes: number;
}

/** Fixed allowance for the Parquet footer and page headers, per shard. */
const FOOTER_ALLOWANCE = 256 * 1024;

export function shardPath(config: string, split: string, index: number, count: number): string {
  return `${config}/${split}-${String(index).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.parquet`;
}

/**
 * Cut rows (in order) into consecutive shards whose estimated size stays under `maxShardBytes`.
 * A row bigger than the limit on its own gets a shard to itself.
 */
export function planShards(
  config: string,
  split: string,
  rowBytes: readonly number[],
  maxShardBytes: number,
): PlannedShard[] {
  const budget = Math.max(1, maxShardBytes - FOOTER_ALLOWANCE);
  const groups: { rows: number[]; bytes: number }[] = [];
  let cur: { rows: number[]; bytes: number } | null = null;
  rowBytes.forEach((b, i) => {
    if (cur === null || (cur.rows.length > 0 && cur.bytes + b > budget)) {
      cur = { rows: [], bytes: 0 };
      groups.push(cur);
    }
    cur.rows.push(i);
    cur.bytes += b;
  });
  return groups.map((g, i) => ({
    path: shardPath(config, split, i, groups.length),
    config,
    split,
    index: i,
    count: groups.length,
    rows: g.rows,
    estimatedBytes: g.bytes + FOOTER_ALLOWANCE,
  }));
}

/** Upper bound of the bytes one row adds to a shard (values uncompressed, media as is). */
export function estimateRowBytes(
  columns: readonly OutColumn[],
  cells: Readonly<Record<string, CellValue>>,
  midiBytes: number,
  audioBytes: number,
): number {
  let n = 0;
  for (const c of columns) {
    if (c.kind === 'midi') n += midiBytes + 8;
    else if (c.kind === 'audio') n += audioBytes + 96; // + file name + offsets
    else {
      const v = cells[c.name];
      n += c.type === 'utf8' ? String(v ?? '').length * 3 + 8 : c.type === 'binary' ? ((v as Uint8Array | null)?.length ?? 0) + 8 : 9;
    }
  }
  return n;
}

export interface ShardWriterOptions {
  /** Rows per row group. Default 100 (what `datasets` uses for audio, so the viewer pages fast). */
  rowGroupRows: number;
  /** Row group closes early once its estimated bytes reach this. Default 64 MiB. */
  rowGroupMaxBytes: number;
  /** Footer key/value metadata (the `huggingface` features). */
  keyValueMetadata: Readonly<Record<string, string>>;
}

export const DEFAULT_SHARD_WRITER_OPTIONS: Readonly<ShardWriterOptions> = Object.freeze({
  rowGroupRows: 100,
  rowGroupMaxBytes: 64 * 1024 * 1024,
  keyValueMetadata: {},
});

export interface ShardWriteResult {
  rows: number;
  /** Bytes of the Parquet file. */
  fileBytes: number;
  /** Bytes of the Arrow data written (what `dataset_info.num_bytes` reports). */
  arrowBytes: number;
}

const AUDIO_TYPE = new arrow.Struct([new arrow.Field('bytes', new arrow.Binary(), true), new arrow.Field('path', new arrow.Utf8(), true)]);

/** Accumulates {@link OutRow}s of fixed columns and hands out Arrow tables. */
class OutBuffer {
  private readonly flat: ColumnBuffer;
  private readonly audioParts: ColumnBuffer | null;
  private readonly audioNull: boolean[] = [];
  private readonly hasMidi: boolean;
  bytes = 0;

  constructor(private readonly columns: readonly OutColumn[]) {
    const specs: ColumnSpec[] = [];
    for (const c of columns) {
      if (c.kind === 'value') specs.push({ name: c.name, type: c.type, nullable: true, description: '' });
      if (c.kind === 'midi') specs.push({ name: 'midi', type: 'binary', nullable: true, description: '' });
    }
    this.flat = new ColumnBuffer('shard', specs);
    this.hasMidi = columns.some((c) => c.kind === 'midi');
    this.audioParts = columns.some((c) => c.kind === 'audio')
      ? new ColumnBuffer('audio', [
          { name: 'bytes', type: 'binary', nullable: true, description: '' },
          { name: 'path', type: 'utf8', nullable: true, description: '' },
        ])
      : null;
  }

  get length(): number {
    return this.flat.length;
  }

  append(row: OutRow): void {
    const cells: Record<string, CellValue> = { ...row.cells };
    if (this.hasMidi) cells.midi = row.midi ?? null;
    this.flat.append(cells);
    this.bytes += estimateRowBytes(this.columns, row.cells, row.midi?.length ?? 0, row.audio?.bytes.length ?? 0);
    if (this.audioParts) {
      this.audioParts.append({ bytes: row.audio?.bytes ?? null, path: row.audio?.path ?? null });
      this.audioNull.push(!row.audio);
    }
  }

  drain(): arrow.Table {
    const n = this.flat.length;
    const flat = this.flat.drain();
    const vectors: Record<string, arrow.Vector> = {};
    let audio: arrow.Vector | null = null;
    if (this.audioParts) {
      const parts = this.audioParts.drain();
      const nullCount = this.audioNull.filter(Boolean).length;
      let nullBitmap: Uint8Array | undefined;
      if (nullCount > 0) {
        nullBitmap = new Uint8Array(Math.ceil(n / 8));
        this.audioNull.forEach((isNull, i) => {
          if (!isNull) nullBitmap![i >> 3]! |= 1 << (i & 7);
        });
      }
      this.audioNull.length = 0;
      const children = [parts.getChild('bytes')!.data[0]!, parts.getChild('path')!.data[0]!];
      audio = arrow.makeVector(arrow.makeData({ type: AUDIO_TYPE, length: n, nullCount, nullBitmap, children }));
    }
    for (const c of this.columns) {
      vectors[c.name] = c.kind === 'audio' ? audio! : flat.getChild(c.name)!;
    }
    this.bytes = 0;
    return new arrow.Table(vectors);
  }
}

function arrowByteLength(table: arrow.Table): number {
  let n = 0;
  for (const batch of table.batches) n += batch.data.byteLength;
  return n;
}

/**
 * Write one shard: rows come from `rows` (pulled as the writer needs them) and Parquet bytes go
 * to `sink`, which is closed on success and aborted on failure.
 */
export async function writeShard(
  pq: ParquetWasm,
  columns: readonly OutColumn[],
  rows: AsyncIterable<OutRow>,
  sink: ByteSink,
  opts?: Partial<ShardWriterOptions>,
): Promise<ShardWriteResult> {
  const o = { ...DEFAULT_SHARD_WRITER_OPTIONS, ...opts };
  const buffer = new OutBuffer(columns);
  const it = rows[Symbol.asyncIterator]();
  let rowCount = 0;
  let arrowBytes = 0;
  let fileBytes = 0;
  let exhausted = false;
  const pending: unknown[] = [];

  const fill = async (): Promise<void> => {
    while (!exhausted && buffer.length < o.rowGroupRows && !(buffer.length > 0 && buffer.bytes >= o.rowGroupMaxBytes)) {
      const r = await it.next();
      if (r.done) exhausted = true;
      else {
        buffer.append(r.value);
        rowCount++;
      }
    }
  };
  const toWasm = (table: arrow.Table) => {
    arrowBytes += arrowByteLength(table);
    return pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  };

  let b = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.ZSTD).setMaxRowGroupSize(o.rowGroupRows);
  if (columns.some((c) => c.kind !== 'value')) {
    // Min/max statistics of a binary column are whole values: every row group would copy two
    // FLAC or MIDI files into its page headers and the footer. Per-column settings cannot reach
    // the struct's children (parquet-wasm takes one path segment), so statistics and dictionary
    // encoding go off globally and come back for the plain columns, which are top level.
    b = b.setStatisticsEnabled(pq.EnabledStatistics.None).setDictionaryEnabled(false);
    for (const c of columns) {
      if (c.kind !== 'value') continue;
      b = b.setColumnStatisticsEnabled(c.name, pq.EnabledStatistics.Page);
      if (c.type === 'utf8') b = b.setColumnDictionaryEnabled(c.name, true);
    }
  }
  const kv = Object.entries(o.keyValueMetadata);
  if (kv.length > 0) b = b.setKeyValueMetadata(new Map(kv));
  const props = b.build();

  try {
    await fill();
    if (buffer.length === 0) {
      // transformParquetStream learns the schema from the first batch; an empty file has none
      const bytes = pq.writeParquet(toWasm(buffer.drain()), props);
      fileBytes = bytes.length;
      await sink.write(bytes);
    } else {
      const input = new ReadableStream({
        pull: async (controller) => {
          if (pending.length === 0 && buffer.length === 0) await fill();
          if (pending.length === 0 && buffer.length > 0) {
            const wasmTable = toWasm(buffer.drain());
            pending.push(...wasmTable.recordBatches());
            wasmTable.free();
          }
          const batch = pending.shift();
          if (batch === undefined) controller.close();
          else controller.enqueue(batch);
        },
      });
      const out = (await pq.transformParquetStream(input, props)) as ReadableStream<Uint8Array>;
      const reader = out.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        fileBytes += value.length;
        await sink.write(value);
      }
    }
    await sink.close();
  } catch (e) {
    await sink.abort();
    await it.return?.();
    throw e;
  }
  return { rows: rowCount, fileBytes, arrowBytes };
}
