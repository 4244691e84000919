/** DuckDB (an independent Parquet reader) for tests. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let conn: Promise<DuckDBConnection> | null = null;

async function connection(): Promise<DuckDBConnection> {
  conn ??= DuckDBInstance.create(':memory:').then((i) => i.connect());
  return conn;
}

/** Run a query and return rows as objects (BigInt converted to Number where safe). */
export async function query(sql: string): Promise<Record<string, unknown>[]> {
  const c = await connection();
  const reader = await c.runAndReadAll(sql);
  const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) o[k] = typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    return o;
  });
}

export function sqlPath(p: string): string {
  return `'${p.replace(/'/g, "''")}'`;
}
