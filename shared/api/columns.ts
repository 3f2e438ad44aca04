import { formatTimestamp } from '../format.ts';

/**
 * Query results cross process boundaries as typed columns, never as row objects: a million rows of
 * three doubles is 24 MB of Float64Array, not 1M JS objects.
 */
export type ColumnData =
  /** Numbers of every width (and BIGINT within ±2^53), NaN-free; nulls marked in `nulls`. */
  | { kind: 'number'; values: Float64Array }
  | { kind: 'bool'; values: Uint8Array }
  /** TIMESTAMP/TIMESTAMPTZ as epoch milliseconds (micro precision kept in the fraction). */
  | { kind: 'timestamp'; values: Float64Array }
  /** DATE as days since 1970-01-01. */
  | { kind: 'date'; values: Int32Array }
  /** Text (and every other type, rendered by DuckDB) as UTF-8 bytes with n+1 offsets. */
  | { kind: 'text'; offsets: Int32Array; bytes: Uint8Array };

export type Column = ColumnData & {
  name: string;
  /** DuckDB's type name, e.g. DOUBLE, VARCHAR, TIMESTAMP. */
  type: string;
  /** 1 where the value is NULL; absent when no value is NULL. */
  nulls?: Uint8Array;
};

export interface ColumnBatch {
  rowCount: number;
  columns: Column[];
}

export interface ColumnInfo {
  name: string;
  type: string;
}

const decoder = new TextDecoder();

/** The values of a numeric (or timestamp) column; anything else is a caller's mistake. */
export function numberValues(column: Column): Float64Array {
  if (column.kind !== 'number' && column.kind !== 'timestamp') throw new Error(`column "${column.name}" is ${column.type}, not numeric`);
  return column.values;
}

/** One cell as a display value; text is decoded lazily so a grid only pays for the cells it shows. */
export function cellValue(column: Column, row: number): string | number | boolean | null {
  if (column.nulls && column.nulls[row]) return null;
  switch (column.kind) {
    case 'number':
      return column.values[row];
    case 'bool':
      return column.values[row] === 1;
    case 'timestamp':
      return formatTimestamp(column.values[row]);
    case 'date':
      return new Date(column.values[row] * 86_400_000).toISOString().slice(0, 10);
    case 'text':
      return decoder.decode(column.bytes.subarray(column.offsets[row], column.offsets[row + 1]));
  }
}

/** Builds a text column from strings (used where a service produces text itself). */
export function textColumn(name: string, values: readonly (string | null)[], type = 'VARCHAR'): Column {
  const encoder = new TextEncoder();
  const parts = values.map((v) => encoder.encode(v ?? ''));
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  parts.forEach((p, i) => {
    total += p.length;
    offsets[i + 1] = total;
  });
  const bytes = new Uint8Array(total);
  parts.forEach((p, i) => bytes.set(p, offsets[i]));
  const nulls = values.some((v) => v === null) ? Uint8Array.from(values, (v) => (v === null ? 1 : 0)) : undefined;
  return { name, type, kind: 'text', offsets, bytes, ...(nulls ? { nulls } : {}) };
}
