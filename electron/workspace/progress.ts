import type { DuckDBConnection } from '@duckdb/node-api';

/** Turns on DuckDB's progress tracking for one connection; it never prints (stdout is the CLI's --json). */
export async function enableQueryProgress(conn: DuckDBConnection): Promise<void> {
  await conn.run('SET enable_progress_bar_print = false');
  await conn.run('SET enable_progress_bar = true');
  await conn.run('SET progress_bar_time = 0');
}

/**
 * Reports DuckDB's percentage for the statement running on `conn` every `ms` until the returned stop()
 * (call it when the statement ends; one watcher per statement). Never lower than an earlier report:
 * DuckDB says -1 (unknown) between a statement's pipelines. Its row counts are left out: they are in
 * its own units (a 20M-row scan reported "4M rows"). The connection needs enableQueryProgress first.
 */
export function watchQueryProgress(conn: DuckDBConnection, onPercentage: (percentage: number) => void, ms = 250): () => void {
  let best = 0;
  const timer = setInterval(() => {
    best = Math.min(100, Math.max(best, conn.progress.percentage));
    onPercentage(best);
  }, ms);
  return () => clearInterval(timer);
}
