import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnInfo } from '../../shared/api/columns.ts';
import type { ColumnProfile } from '../../shared/api/sql.ts';
import { quoteIdent } from './sqlText.ts';

const BINS = 16;
const TOP = 8;

/** Types binned by value; their histogram runs over the value as a DOUBLE (times as epoch microseconds). */
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;
const TEMPORAL = /^(DATE|TIMESTAMP)/;

/** Summarises one column of `table` in two scans: the counts and range, then the histogram. */
export async function profileColumn(conn: DuckDBConnection, table: string, column: ColumnInfo): Promise<ColumnProfile> {
  const c = quoteIdent(column.name);
  const numeric = NUMERIC.test(column.type);
  const temporal = TEMPORAL.test(column.type);
  const asNumber = numeric ? `${c}::DOUBLE` : temporal ? `epoch_us(${c}::TIMESTAMP)::DOUBLE` : null;
  const stats = await conn.runAndReadAll(
    `SELECT count(*)::DOUBLE, (count(*) - count(${c}))::DOUBLE, count(DISTINCT ${c})::DOUBLE, min(${c})::VARCHAR, max(${c})::VARCHAR
       ${asNumber ? `, min(${asNumber}), max(${asNumber})` : ''} FROM ${table}`,
  );
  const [rows, nulls, distinct, min, max, lo, hi] = stats.getRows()[0];
  const profile = {
    column: column.name,
    type: column.type,
    rows: Number(rows),
    nulls: Number(nulls),
    distinct: Number(distinct),
    min: min === null ? null : String(min),
    max: max === null ? null : String(max),
  };
  if (asNumber && lo !== null && hi !== null) {
    const low = Number(lo);
    const width = (Number(hi) - low) / BINS || 1;
    const counts = await conn.runAndReadAll(
      `SELECT least(floor((${asNumber} - ${low}) / ${width}), ${BINS - 1})::INTEGER AS b, count(*)::DOUBLE FROM ${table} WHERE ${c} IS NOT NULL GROUP BY b ORDER BY b`,
    );
    const byBin = new Map(counts.getRows().map(([b, n]) => [Number(b), Number(n)]));
    const label = (x: number) => (temporal ? new Date(x / 1000).toISOString().slice(0, 19).replace('T', ' ') : String(+x.toPrecision(4)));
    const bins = Number(hi) === low ? 1 : BINS;
    const buckets = Array.from({ length: bins }, (_, b) => ({ label: label(low + b * width), count: byBin.get(b) ?? 0 }));
    return { ...profile, histogram: { kind: 'bins', buckets } };
  }
  const top = await conn.runAndReadAll(
    `SELECT ${c}::VARCHAR AS v, count(*)::DOUBLE AS n FROM ${table} WHERE ${c} IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT ${TOP}`,
  );
  return { ...profile, histogram: { kind: 'top', buckets: top.getRows().map(([v, n]) => ({ label: String(v), count: Number(n) })) } };
}
