import type { DuckDBConnection } from '@duckdb/node-api';

/** Anything that hands out connections (a Workspace does). */
export interface Connector {
  connect(): Promise<DuckDBConnection>;
}

/** Runs `work` on a connection of its own, closed afterwards whatever happens. */
export async function withConnection<T>(ws: Connector, work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await ws.connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
  }
}

/**
 * Runs `work` in one transaction: committed when it returns, rolled back when it throws. The original
 * error is rethrown even when the rollback fails too (a failed statement may have ended the transaction).
 */
export async function inTransaction<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  let value: T;
  try {
    value = await work();
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
  await conn.run('COMMIT');
  return value;
}

/** A BLOB as a parameter of `from_base64($n)` (@duckdb/node-api binds no Uint8Array). */
export function blobParam(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** A BLOB read back (getRows gives DuckDB's { bytes }, getRowsJS a Buffer), copied so typed-array sections over it are aligned. */
export function blobBytes(value: unknown): Uint8Array {
  return new Uint8Array(value instanceof Uint8Array ? value : (value as { bytes: Uint8Array }).bytes);
}

/** A short query's rows as plain objects (a handful of rows: large results go through readColumns). */
export async function selectRows(db: DuckDBConnection, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql, params as never)).getRowObjectsJS() as Record<string, unknown>[];
}
