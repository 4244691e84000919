/**
 * Column-oriented row buffers that turn into Apache Arrow record batches without per-row
 * builders (which are ~5x slower, see shared/reference/wasm-stack.md §3): values go into plain
 * arrays and are packed into typed buffers with `makeData` at flush time.
 */
import * as arrow from 'apache-arrow';

export const COLUMN_TYPES = ['utf8', 'int32', 'float64', 'bool', 'binary'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnSpec {
  /** Column name as stored (snake_case, SOUSA-compatible). */
  readonly name: string;
  readonly type: ColumnType;
  /** Whether null is allowed; non-nullable columns reject null/undefined at append time. */
  readonly nullable: boolean;
  /** One line for the dataset card and README. */
  readonly description: string;
}

export type CellValue = string | number | boolean | Uint8Array | null | undefined;
export type Row = Readonly<Record<string, CellValue>>;

const utf8 = new TextEncoder();

/** Accumulates rows for a fixed schema and hands out Arrow tables of the rows so far. */
export class ColumnBuffer {
  private readonly values: CellValue[][];
  /** camelCase field of each column, so records from the stages can be appended as they are. */
  private readonly fields: readonly string[];
  private count = 0;

  constructor(
    readonly tableName: string,
    readonly columns: readonly ColumnSpec[],
  ) {
    this.values = columns.map(() => []);
    this.fields = columns.map((c) => camelCase(c.name));
  }

  get length(): number {
    return this.count;
  }

  /**
   * Append one row. Each column's value is taken from `extra[name]` if present, else from
   * `row[name]` (snake_case) or `row[field]` (its camelCase form). Throws naming the table,
   * column and row when a value does not fit.
   */
  append(row: object, extra?: Row): void {
    const r = row as Row;
    for (let c = 0; c < this.columns.length; c++) {
      const spec = this.columns[c]!;
      const v =
        extra !== undefined && spec.name in extra ? extra[spec.name] : spec.name in r ? r[spec.name] : r[this.fields[c]!];
      if (v === null || v === undefined) {
        if (!spec.nullable) {
          throw new TypeError(`${this.tableName}.${spec.name} must not be null (row ${this.count})`);
        }
        this.values[c]!.push(null);
        continue;
      }
      switch (spec.type) {
        case 'utf8':
          if (typeof v !== 'string') throw badType(this.tableName, spec, v, this.count);
          break;
        case 'int32':
          if (typeof v !== 'number' || !Number.isInteger(v)) throw badType(this.tableName, spec, v, this.count);
          break;
        case 'float64':
          if (typeof v !== 'number' || !Number.isFinite(v)) throw badType(this.tableName, spec, v, this.count);
          break;
        case 'bool':
          if (typeof v !== 'boolean') throw badType(this.tableName, spec, v, this.count);
          break;
        case 'binary':
          if (!(v instanceof Uint8Array)) throw badType(this.tableName, spec, v, this.count);
          break;
      }
      this.values[c]!.push(v);
    }
    this.count++;
  }

  /** Build an Arrow table of the buffered rows and clear the buffer. */
  drain(): arrow.Table {
    const children: Record<string, arrow.Vector> = {};
    for (let c = 0; c < this.columns.length; c++) {
      const spec = this.columns[c]!;
      children[spec.name] = arrow.makeVector(buildData(spec, this.values[c]!));
      this.values[c] = [];
    }
    this.count = 0;
    return new arrow.Table(children);
  }
}

function badType(table: string, spec: ColumnSpec, v: unknown, row: number): TypeError {
  const shown = v instanceof Uint8Array ? `Uint8Array(${v.length})` : JSON.stringify(v);
  return new TypeError(`${table}.${spec.name} must be ${spec.type}, got ${shown} (row ${row})`);
}

function nullBitmap(vals: readonly CellValue[]): { bitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  for (const v of vals) if (v === null) nullCount++;
  if (nullCount === 0) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(Math.ceil(vals.length / 8));
  for (let i = 0; i < vals.length; i++) if (vals[i] !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  return { bitmap, nullCount };
}

function buildData(spec: ColumnSpec, vals: readonly CellValue[]): arrow.Data {
  const n = vals.length;
  const { bitmap, nullCount } = nullBitmap(vals);
  switch (spec.type) {
    case 'int32': {
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = (vals[i] as number | null) ?? 0;
      return arrow.makeData({ type: new arrow.Int32(), length: n, nullCount, nullBitmap: bitmap, data });
    }
    case 'float64': {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = (vals[i] as number | null) ?? 0;
      return arrow.makeData({ type: new arrow.Float64(), length: n, nullCount, nullBitmap: bitmap, data });
    }
    case 'bool': {
      const data = new Uint8Array(Math.ceil(n / 8));
      for (let i = 0; i < n; i++) if (vals[i] === true) data[i >> 3]! |= 1 << (i & 7);
      return arrow.makeData({ type: new arrow.Bool(), length: n, nullCount, nullBitmap: bitmap, data });
    }
    case 'utf8':
    case 'binary': {
      const parts: Uint8Array[] = new Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const v = vals[i];
        const b = v === null || v === undefined ? EMPTY : typeof v === 'string' ? utf8.encode(v) : (v as Uint8Array);
        parts[i] = b;
        total += b.length;
      }
      const valueOffsets = new Int32Array(n + 1);
      const data = new Uint8Array(total);
      let off = 0;
      for (let i = 0; i < n; i++) {
        valueOffsets[i] = off;
        data.set(parts[i]!, off);
        off += parts[i]!.length;
      }
      valueOffsets[n] = off;
      if (spec.type === 'utf8') {
        return arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount, nullBitmap: bitmap, valueOffsets, data });
      }
      return arrow.makeData({ type: new arrow.Binary(), length: n, nullCount, nullBitmap: bitmap, valueOffsets, data });
    }
  }
}

const EMPTY = new Uint8Array(0);

/** snake_case → camelCase. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

/** camelCase → snake_case, the mechanical mapping between TS record fields and stored columns. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (m) => '_' + m.toLowerCase());
}
