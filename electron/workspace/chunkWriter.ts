import duckdb from '@duckdb/node-bindings';
import type { DuckDBDataChunk } from '@duckdb/node-api';

/**
 * Writing typed arrays straight into a DuckDB data chunk (for an appender) and reading vectors raw:
 * the only native-bindings access outside columns.ts/batches.ts, so the rest of the app stays on
 * @duckdb/node-api.
 */
type Fixed = BigInt64Array | Int32Array | Float64Array;

/** Copies `count` values of `values` from `from` into the chunk's column, at row 0. */
export function copyIntoColumn(chunk: DuckDBDataChunk, column: number, values: Fixed, from: number, count: number): void {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
  duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset + from * values.BYTES_PER_ELEMENT, count * values.BYTES_PER_ELEMENT);
}

/** Marks the column's first `count` rows NULL (validity bits all clear). */
export function nullColumn(chunk: DuckDBDataChunk, column: number, count: number): void {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
  duckdb.vector_ensure_validity_writable(vector);
  const cleared = new Uint8Array(Math.ceil(count / 64) * 8);
  duckdb.copy_data_to_vector_validity(vector, 0, cleared.buffer, 0, cleared.byteLength);
}

export function setChunkRows(chunk: DuckDBDataChunk, rows: number): void {
  duckdb.data_chunk_set_size(chunk.chunk, rows);
}

/** The column's raw bytes (a copy): what any reader on @duckdb/node-api pays before reading a value. */
export function columnBytes(chunk: DuckDBDataChunk, column: number, bytes: number): ArrayBuffer {
  return duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, column), bytes) as unknown as ArrayBuffer;
}
