import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParquetStreamWriter, MemorySink } from '../src/dataset/parquet.js';
import type { ColumnSpec } from '../src/dataset/columns.js';
import { loadParquetWasm } from '../src/platform/parquet.js';
import { NodeDatasetIO } from '../src/platform/node-io.js';
import { query, sqlPath } from './helpers/duckdb.js';

const COLS: ColumnSpec[] = [
  { name: 'id', type: 'utf8', nullable: false, description: '' },
  { name: 'n', type: 'int32', nullable: false, description: '' },
  { name: 'x', type: 'float64', nullable: true, description: '' },
  { name: 'b', type: 'bool', nullable: false, description: '' },
  { name: 'm', type: 'int32', nullable: true, description: '' },
];

async function writeRows(rows: number, rowGroupRows: number): Promise<Uint8Array> {
  const pq = await loadParquetWasm();
  const sink = new MemorySink();
  const w = new ParquetStreamWriter(pq, 't', COLS, sink, { rowGroupRows });
  for (let i = 0; i < rows; i++) {
    await w.append({ id: `s${i}`, n: i, x: i % 7 === 0 ? null : i / 4, b: i % 3 === 0, m: i % 5 === 0 ? null : -i });
  }
  await w.close();
  return sink.bytes!;
}

describe('ParquetStreamWriter', () => {
  it('writes row groups that DuckDB reads back exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sousa-pq-'));
    const io = new NodeDatasetIO(dir);
    const pq = await loadParquetWasm();
    const w = new ParquetStreamWriter(pq, 't', COLS, await io.openSink('t.parquet'), { rowGroupRows: 1000 });
    for (let i = 0; i < 2500; i++) {
      await w.append({ id: `s${i}`, n: i, x: i % 7 === 0 ? null : i / 4, b: i % 3 === 0, m: i % 5 === 0 ? null : -i });
    }
    await w.close();
    const path = sqlPath(join(dir, 't.parquet'));
    const [agg] = await query(
      `select count(*) c, sum(n) s, count(x) cx, sum(x) sx, sum(b::int) sb, count(m) cm, min(m) mn from read_parquet(${path})`,
    );
    expect(agg).toEqual({ c: 2500, s: (2499 * 2500) / 2, cx: 2500 - 358, sx: expect.any(Number), sb: 834, cm: 2000, mn: -2499 });
    let sx = 0;
    for (let i = 0; i < 2500; i++) if (i % 7 !== 0) sx += i / 4;
    expect(agg!.sx).toBeCloseTo(sx, 6);
    const groups = await query(`select row_group_id, row_group_num_rows from parquet_metadata(${path}) group by all order by 1`);
    expect(groups.map((g) => g.row_group_num_rows)).toEqual([1000, 1000, 500]);
    const [row] = await query(`select * from read_parquet(${path}) where n = 1234`);
    expect(row).toEqual({ id: 's1234', n: 1234, x: 308.5, b: false, m: -1234 });
  });

  it('gives identical bytes for identical rows and differs when one value changes', async () => {
    const a = await writeRows(3000, 1024);
    const b = await writeRows(3000, 1024);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const c = await writeRows(2999, 1024);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('writes a valid file with zero rows', async () => {
    const bytes = await writeRows(0, 100);
    const dir = mkdtempSync(join(tmpdir(), 'sousa-pq-'));
    const io = new NodeDatasetIO(dir);
    await io.writeFile('e.parquet', bytes);
    const [r] = await query(`select count(*) c from read_parquet(${sqlPath(join(dir, 'e.parquet'))})`);
    expect(r!.c).toBe(0);
  });

  it('rejects a value of the wrong type naming table, column and row', async () => {
    const pq = await loadParquetWasm();
    const w = new ParquetStreamWriter(pq, 'strokes', COLS, new MemorySink());
    await w.append({ id: 'a', n: 1, x: 1, b: true, m: 1 });
    await expect(w.append({ id: 'a', n: 1.5, x: 1, b: true, m: 1 })).rejects.toThrow('strokes.n must be int32, got 1.5 (row 1)');
    await expect(w.append({ id: null, n: 1, x: 1, b: true, m: 1 })).rejects.toThrow('strokes.id must not be null');
    await w.abort();
  });

  it('leaves no file under the final name when aborted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sousa-pq-'));
    const io = new NodeDatasetIO(dir);
    const pq = await loadParquetWasm();
    const w = new ParquetStreamWriter(pq, 't', COLS, await io.openSink('t.parquet'), { rowGroupRows: 10 });
    for (let i = 0; i < 35; i++) await w.append({ id: `s${i}`, n: i, x: 1, b: true, m: 1 });
    await w.abort();
    expect(await io.listRoot()).toEqual([]);
    expect(() => readFileSync(join(dir, 't.parquet'))).toThrow();
  });
});
