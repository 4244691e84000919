/**
 * Reading the label tables for validation: schema checks against `src/dataset/schema.ts`, and row
 * groups decoded one at a time (parquet-wasm `readParquet(bytes, { rowGroups: [i] })`) so memory
 * stays bounded by one row group whatever the table size. Every parquet-wasm failure is caught and
 * turned into a problem string naming the file; nothing here throws on bad data.
 */
import * as arrow from 'apache-arrow';
import type { ColumnSpec, ColumnType } from '../dataset/columns.js';
import type { ParquetWasm } from '../platform/parquet.js';

/** Column values of one decoded row group, in the shapes the checks need. */
export class Columns {
  constructor(
    readonly table: arrow.Table,
    readonly file: string,
  ) {}

  get numRows(): number {
    return this.table.numRows;
  }

  private vector(name: string): arrow.Vector {
    const v = this.table.getChild(name);
    if (v === null) throw new Error(`column ${name} missing in ${this.file}`);
    return v;
  }

  has(name: string): boolean {
    return this.table.getChild(name) !== null;
  }

  /** Strings; null where the cell is null. */
  strings(name: string): (string | null)[] {
    const v = this.vector(name);
    const out: (string | null)[] = new Array(v.length);
    let i = 0;
    for (const x of v) out[i++] = x === null || x === undefined ? null : String(x);
    return out;
  }

  /** Numbers as float64; NaN where the cell is null (use {@link nulls} to tell null from NaN). */
  numbers(name: string): Float64Array {
    const v = this.vector(name);
    const raw = v.toArray() as ArrayLike<number | bigint>;
    const out = new Float64Array(v.length);
    for (let i = 0; i < out.length; i++) out[i] = Number(raw[i]);
    if (v.nullCount > 0) for (let i = 0; i < out.length; i++) if (!v.isValid(i)) out[i] = Number.NaN;
    return out;
  }

  /** 1 where the cell is null, else 0. */
  nulls(name: string): Uint8Array {
    const v = this.vector(name);
    const out = new Uint8Array(v.length);
    if (v.nullCount > 0) for (let i = 0; i < out.length; i++) out[i] = v.isValid(i) ? 0 : 1;
    return out;
  }

  /** Booleans as 0/1 (null reads as 0; non-nullable columns are checked for nulls separately). */
  bools(name: string): Uint8Array {
    const v = this.vector(name);
    const out = new Uint8Array(v.length);
    for (let i = 0; i < out.length; i++) out[i] = v.get(i) ? 1 : 0;
    return out;
  }
}

function typeMatches(t: arrow.DataType, want: ColumnType): boolean {
  switch (want) {
    case 'utf8':
      return arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t);
    case 'int32':
      return arrow.DataType.isInt(t);
    case 'float64':
      return arrow.DataType.isFloat(t);
    case 'bool':
      return arrow.DataType.isBool(t);
    case 'binary':
      return arrow.DataType.isBinary(t) || arrow.DataType.isLargeBinary(t);
  }
}

/** An opened Parquet file: schema checked, row groups decoded on demand. */
export class ParquetTable {
  /** Problems found so far (schema, nulls, decoding), each naming the file. */
  readonly problems: string[] = [];
  numRows = 0;
  numRowGroups = 0;
  /** Rows actually decoded by {@link rowGroups} (less than numRows if a row group failed). */
  rowsRead = 0;
  /** False when the file is missing or its footer/schema is unreadable. */
  readable = false;

  private constructor(
    private readonly pq: ParquetWasm,
    readonly file: string,
    readonly spec: readonly ColumnSpec[],
    private readonly bytes: Uint8Array | null,
  ) {}

  /** Open `file` (bytes from the reader, null if missing) and check its schema against `spec`. */
  static async open(pq: ParquetWasm, file: string, bytes: Uint8Array | null, spec: readonly ColumnSpec[]): Promise<ParquetTable> {
    const t = new ParquetTable(pq, file, spec, bytes);
    if (bytes === null) {
      t.problems.push(`${file}: missing`);
      return t;
    }
    try {
      const schema = arrow.tableFromIPC(pq.readSchema(bytes).intoIPCStream()).schema;
      const pf = await pq.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
      try {
        const md = pf.metadata();
        t.numRowGroups = md.numRowGroups();
        t.numRows = Number(md.fileMetadata().numRows());
      } finally {
        pf.free();
      }
      const fields = new Map(schema.fields.map((f) => [f.name, f]));
      const missing: string[] = [];
      for (const c of spec) {
        const f = fields.get(c.name);
        if (!f) missing.push(c.name);
        else if (!typeMatches(f.type, c.type)) t.problems.push(`${file}: column ${c.name} must be ${c.type}, got ${String(f.type)}`);
      }
      t.missingColumns = missing;
      if (missing.length) t.problems.push(`${file}: ${missing.length} column(s) missing: ${missing.join(', ')}`);
      t.readable = true;
    } catch (e) {
      t.problems.push(`${file}: unreadable (${shortError(e)}); the file is truncated or not Parquet`);
    }
    return t;
  }

  /** Columns of the spec absent from the file. */
  missingColumns: string[] = [];

  /** Columns of the spec that are present with the right type. */
  get usableColumns(): string[] {
    const bad = new Set([...this.missingColumns, ...this.problems.map((p) => /: column (\S+) must be/.exec(p)?.[1]).filter(Boolean)]);
    return this.spec.map((c) => c.name).filter((n) => !bad.has(n));
  }

  /**
   * Decode row groups one by one. A row group that fails to decode adds a problem and ends the
   * iteration (later row groups of a damaged file are not trusted either). Nulls in non-nullable
   * columns are recorded as problems too.
   */
  async *rowGroups(columns?: readonly string[]): AsyncGenerator<Columns> {
    if (!this.readable || this.bytes === null) return;
    const nonNullable = this.spec.filter((c) => !c.nullable && (!columns || columns.includes(c.name))).map((c) => c.name);
    for (let g = 0; g < this.numRowGroups; g++) {
      let table: arrow.Table;
      try {
        const opts: { rowGroups: number[]; columns?: string[] } = { rowGroups: [g] };
        if (columns) opts.columns = [...columns];
        table = arrow.tableFromIPC(this.pq.readParquet(this.bytes, opts).intoIPCStream());
      } catch (e) {
        this.problems.push(`${this.file}: row group ${g} of ${this.numRowGroups} does not decode (${shortError(e)})`);
        return;
      }
      for (const name of nonNullable) {
        const v = table.getChild(name);
        if (v !== null && v.nullCount > 0) {
          this.problems.push(`${this.file}: column ${name} must not be null, got ${v.nullCount} null(s) in row group ${g}`);
        }
      }
      this.rowsRead += table.numRows;
      yield new Columns(table, this.file);
    }
  }
}

export function shortError(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}
