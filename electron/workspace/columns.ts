import duckdb from '@duckdb/node-bindings';
import { DuckDBMaterializedResult, DuckDBTypeId, type DuckDBDataChunk, type DuckDBResult } from '@duckdb/node-api';
import type { Column, ColumnBatch, ColumnData } from '../../shared/api/columns.ts';

/**
 * Reads a DuckDB result straight from its vectors into typed columns. Fixed-width types are copied
 * from DuckDB's own buffers; only text and exotic types go value by value.
 */
export async function readColumns(result: DuckDBResult): Promise<ColumnBatch> {
  const chunks: DuckDBDataChunk[] = [];
  if (result instanceof DuckDBMaterializedResult) {
    // Materialised chunks are read synchronously: fetchChunk() would hop to the thread pool per chunk.
    for (let i = 0; i < result.chunkCount; i++) chunks.push(result.getChunk(i));
  } else {
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) chunks.push(chunk);
  }
  // Each rowCount read is a native call: read it once per chunk, not once per column.
  const sizes = chunks.map((c) => c.rowCount);
  const rowCount = sizes.reduce((a, b) => a + b, 0);
  const names = result.deduplicatedColumnNames();
  const columns: Column[] = names.map((name, i) => {
    const typeId = result.columnTypeId(i);
    const builder = builderFor(typeId, rowCount);
    let nulls: Uint8Array | undefined;
    let at = 0;
    for (let k = 0; k < chunks.length; k++) {
      const chunk = chunks[k];
      const n = sizes[k];
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, i);
      builder.fill(chunk, i, vector, n, at);
      const validity = duckdb.vector_get_validity(vector, Math.ceil(n / 64) * 8);
      if (validity && validity.length > 0) {
        // Whole bytes of valid rows are the common case: skip them 8 rows at a time.
        for (let b = 0; b < (n + 7) >> 3; b++) {
          if (validity[b] === 0xff) continue;
          for (let r = b << 3; r < Math.min(n, (b + 1) << 3); r++) {
            if (((validity[b] >> (r & 7)) & 1) === 0) (nulls ??= new Uint8Array(rowCount))[at + r] = 1;
          }
        }
      }
      at += n;
    }
    return { name, type: result.columnType(i).toString(), ...builder.finish(), ...(nulls ? { nulls } : {}) } as Column;
  });
  return { rowCount, columns };
}

interface Builder {
  fill(chunk: DuckDBDataChunk, column: number, vector: duckdb.Vector, n: number, at: number): void;
  finish(): ColumnData;
}

type TypedCtor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Int16ArrayConstructor
  | Int8ArrayConstructor
  | Uint32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor;

function raw<T extends TypedCtor>(Ctor: T, vector: duckdb.Vector, n: number): InstanceType<T> {
  const bytes = duckdb.vector_get_data(vector, n * Ctor.BYTES_PER_ELEMENT);
  return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, n) as InstanceType<T>;
}

/**
 * An output column every row of which will be written: uninitialised memory, unpooled so the array
 * owns its whole ArrayBuffer (IPC clones the buffer, not the view). Zero-filling 8 MB costs more than
 * copying it in.
 */
function filled<T extends Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor>(Ctor: T, n: number): InstanceType<T> {
  return new Ctor(Buffer.allocUnsafeSlow(n * Ctor.BYTES_PER_ELEMENT).buffer, 0, n) as InstanceType<T>;
}

function numeric(Ctor: TypedCtor, rowCount: number): Builder {
  const values = filled(Float64Array, rowCount);
  return {
    fill: (_c, _i, vector, n, at) => values.set(raw(Ctor, vector, n), at),
    finish: () => ({ kind: 'number', values }),
  };
}

/**
 * 64-bit integers read as two 32-bit halves: exact up to ±2^53 and several times faster than
 * converting BigInts one by one.
 */
function bigints(rowCount: number, kind: 'number' | 'timestamp', scale: number, unsigned = false): Builder {
  const values = filled(Float64Array, rowCount);
  return {
    fill(_c, _i, vector, n, at) {
      const bytes = duckdb.vector_get_data(vector, n * 8);
      const lo = new Uint32Array(bytes.buffer, bytes.byteOffset, n * 2);
      const hi = unsigned ? lo : new Int32Array(bytes.buffer, bytes.byteOffset, n * 2);
      if (scale === 1) for (let r = 0; r < n; r++) values[at + r] = hi[2 * r + 1] * 4294967296 + lo[2 * r];
      else for (let r = 0; r < n; r++) values[at + r] = (hi[2 * r + 1] * 4294967296 + lo[2 * r]) * scale;
    },
    finish: () => ({ kind, values }) as ColumnData,
  };
}

/** HUGEINT, DECIMAL and friends: exact types whose values the API already converts well. */
function byValue(rowCount: number): Builder {
  const values = new Float64Array(rowCount);
  return {
    fill(chunk, i, _v, n, at) {
      const vec = chunk.getColumnVector(i);
      for (let r = 0; r < n; r++) {
        const v = vec.getItem(r) as unknown;
        values[at + r] = v === null ? 0 : typeof v === 'object' && v && 'toDouble' in v ? (v as { toDouble(): number }).toDouble() : Number(v);
      }
    },
    finish: () => ({ kind: 'number', values }),
  };
}

function text(rowCount: number): Builder {
  const encoder = new TextEncoder();
  const offsets = new Int32Array(rowCount + 1);
  let bytes = new Uint8Array(Math.max(1024, rowCount * 8));
  let used = 0;
  return {
    fill(chunk, i, _v, n, at) {
      const vec = chunk.getColumnVector(i);
      for (let r = 0; r < n; r++) {
        const v = vec.getItem(r);
        const s = v === null ? '' : typeof v === 'string' ? v : String(v);
        if (used + s.length * 3 > bytes.length) {
          const grown = new Uint8Array(Math.max(bytes.length * 2, used + s.length * 3));
          grown.set(bytes.subarray(0, used));
          bytes = grown;
        }
        used += encoder.encodeInto(s, bytes.subarray(used)).written;
        offsets[at + r + 1] = used;
      }
    },
    finish: () => ({ kind: 'text', offsets, bytes: bytes.slice(0, used) }),
  };
}

function builderFor(typeId: DuckDBTypeId, rowCount: number): Builder {
  switch (typeId) {
    case DuckDBTypeId.DOUBLE:
      return numeric(Float64Array, rowCount);
    case DuckDBTypeId.FLOAT:
      return numeric(Float32Array, rowCount);
    case DuckDBTypeId.INTEGER:
      return numeric(Int32Array, rowCount);
    case DuckDBTypeId.SMALLINT:
      return numeric(Int16Array, rowCount);
    case DuckDBTypeId.TINYINT:
      return numeric(Int8Array, rowCount);
    case DuckDBTypeId.UINTEGER:
      return numeric(Uint32Array, rowCount);
    case DuckDBTypeId.USMALLINT:
      return numeric(Uint16Array, rowCount);
    case DuckDBTypeId.UTINYINT:
      return numeric(Uint8Array, rowCount);
    case DuckDBTypeId.BIGINT:
      return bigints(rowCount, 'number', 1);
    case DuckDBTypeId.UBIGINT:
      return bigints(rowCount, 'number', 1, true);
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.DECIMAL:
      return byValue(rowCount);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return bigints(rowCount, 'timestamp', 1e-3);
    case DuckDBTypeId.TIMESTAMP_S:
      return bigints(rowCount, 'timestamp', 1e3);
    case DuckDBTypeId.TIMESTAMP_MS:
      return bigints(rowCount, 'timestamp', 1);
    case DuckDBTypeId.TIMESTAMP_NS:
      return bigints(rowCount, 'timestamp', 1e-6);
    case DuckDBTypeId.DATE: {
      const values = filled(Int32Array, rowCount);
      return { fill: (_c, _i, vector, n, at) => values.set(raw(Int32Array, vector, n), at), finish: () => ({ kind: 'date', values }) };
    }
    case DuckDBTypeId.BOOLEAN: {
      const values = filled(Uint8Array, rowCount);
      return { fill: (_c, _i, vector, n, at) => values.set(raw(Uint8Array, vector, n), at), finish: () => ({ kind: 'bool', values }) };
    }
    default:
      return text(rowCount);
  }
}
