import duckdb from '@duckdb/node-bindings';
import { DuckDBTypeId, type DuckDBResult } from '@duckdb/node-api';

/** One batch of a streamed result: fixed-width columns copied out of DuckDB's vectors, plus NULL counts. */
export interface FixedBatch {
  rowCount: number;
  columns: (Float64Array | Int32Array | BigInt64Array)[];
  /** NULLs per column in this batch (their values are whatever DuckDB left in the vector). */
  nulls: number[];
}

const WIDTHS: Partial<Record<DuckDBTypeId, Float64ArrayConstructor | Int32ArrayConstructor | BigInt64ArrayConstructor>> = {
  [DuckDBTypeId.DOUBLE]: Float64Array,
  [DuckDBTypeId.INTEGER]: Int32Array,
  [DuckDBTypeId.BIGINT]: BigInt64Array,
};

/**
 * Reads a streaming result of DOUBLE, INTEGER and BIGINT columns in batches of `rows` rows, so memory
 * holds one batch rather than the whole result. Cast other types in the query.
 */
export async function* fixedBatches(result: DuckDBResult, rows: number): AsyncGenerator<FixedBatch> {
  const ctors = Array.from({ length: result.columnCount }, (_, i) => {
    const ctor = WIDTHS[result.columnTypeId(i)];
    if (!ctor) throw new Error(`column ${result.columnName(i)} is ${result.columnType(i)}; cast it to DOUBLE, INTEGER or BIGINT`);
    return ctor;
  });
  const fresh = (): FixedBatch => ({ rowCount: 0, columns: ctors.map((C) => new C(rows)), nulls: ctors.map(() => 0) });
  let batch = fresh();
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const n = chunk.rowCount;
    let done = 0;
    while (done < n) {
      const take = Math.min(n - done, rows - batch.rowCount);
      for (let c = 0; c < ctors.length; c++) {
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
        const size = ctors[c].BYTES_PER_ELEMENT;
        const bytes = duckdb.vector_get_data(vector, n * size);
        const values = new ctors[c](bytes.buffer as ArrayBuffer, bytes.byteOffset, n);
        (batch.columns[c] as Float64Array).set(values.subarray(done, done + take) as Float64Array, batch.rowCount);
        const validity = duckdb.vector_get_validity(vector, Math.ceil(n / 64) * 8);
        if (validity && validity.length > 0) {
          for (let r = done; r < done + take; r++) if (((validity[r >> 3] >> (r & 7)) & 1) === 0) batch.nulls[c]++;
        }
      }
      batch.rowCount += take;
      done += take;
      if (batch.rowCount === rows) {
        yield batch;
        batch = fresh();
      }
    }
  }
  if (batch.rowCount > 0) yield { rowCount: batch.rowCount, columns: batch.columns.map((col) => col.subarray(0, batch.rowCount)), nulls: batch.nulls };
}
