import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { quoteLiteral } from '../../../electron/workspace/sqlText.ts';

/** A play-log object of `rows` positions around a few hot spots, written as Parquet by DuckDB (fast at millions of rows). */
export async function writePlaylog(path: string, rows: number, seed: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(`COPY (
      SELECT round(cx + 150 * sin(i / 977.0 + ${seed}) * ((hash(i + ${seed}) % 1000) / 1000.0))::DOUBLE AS posnewx,
             round(cy + 150 * cos(i / 613.0 + ${seed}) * ((hash(i * 3 + ${seed}) % 1000) / 1000.0))::DOUBLE AS posnewy,
             0::DOUBLE AS posnewz, 0::DOUBLE AS posoldx, 0::DOUBLE AS posoldy, 0::DOUBLE AS posoldz,
             (i % 5000)::INTEGER AS pidx, i::BIGINT AS idx, 0::INTEGER AS action,
             TIMESTAMP '2018-10-12 05:00:00' + to_microseconds(i % 3600000000) AS createdate
      FROM (SELECT i, [400, 750, 1350, 200][1 + (hash(i // 5000) % 4)::INTEGER] AS cx, [550, 250, 700, 150][1 + (hash(i // 5000) % 4)::INTEGER] AS cy FROM range(${rows}) t(i))
    ) TO ${quoteLiteral(path)} (FORMAT parquet)`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
