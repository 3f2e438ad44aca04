/**
 * The careful path, for objects DuckDB's readers refuse as a whole: every record goes into a temp
 * staging table as text with the line it starts on (or the reason it is not a record at all), then
 * DuckDB casts and checks it. Good rows move to the stream's table, bad ones to the quarantine, each
 * with its own reason — so one bad record costs exactly that record.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../workspace/sqlText.ts';
import { invalidTextReason, typedFromText, validText } from './sqlSpec.ts';
import type { LogSpec } from './logs.ts';

/** Longest raw text kept per quarantined record; the object itself stays where it is. */
export const RAW_LIMIT = 10_000;

export function stageTable(spec: LogSpec): string {
  return `lake_stage_${spec.name}`;
}

/** (Re)creates the empty staging table on this connection (temp: it never reaches the workspace file). */
export async function resetStage(conn: DuckDBConnection, spec: LogSpec): Promise<void> {
  const cols = spec.columns.map((c) => `${quoteIdent(c.name)} VARCHAR`).join(', ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${stageTable(spec)} (rec BIGINT, line BIGINT, ${cols}, reason VARCHAR, raw VARCHAR)`);
}

export interface Window {
  from: Date;
  to: Date;
}

/** The event-time filter on a stream's time column, or TRUE without a window. */
export function windowSql(spec: LogSpec, window: Window | undefined, column = quoteIdent(spec.timeColumn)): string {
  if (!window) return 'TRUE';
  return `(${column} >= ${utcLiteral(window.from)} AND ${column} < ${utcLiteral(window.to)})`;
}

/** Lake timestamps are naive UTC, so a window bound is written as one (never through the session time zone). */
function utcLiteral(t: Date): string {
  return `${quoteLiteral(t.toISOString().replace('T', ' ').replace('Z', ''))}::TIMESTAMP`;
}

export interface Target {
  fileId: number;
  source: string;
  partition: { year: number; month: number; day: number; hour: number } | null;
}

/** Partition columns: the object's own partition, else the row's event time. */
export function partitionSql(spec: LogSpec, target: Target, time = quoteIdent(spec.timeColumn)): string {
  const p = target.partition;
  return p ? `${p.year}, ${p.month}, ${p.day}, ${p.hour}` : `year(${time}), month(${time}), day(${time}), hour(${time})`;
}

export interface StagedCounts {
  records: number;
  rows: number;
  quarantined: number;
  outside: number;
}

/** Moves the staged records into the stream table and the quarantine; call inside the file's transaction. */
export async function promoteStaged(conn: DuckDBConnection, spec: LogSpec, target: Target, window: Window | undefined): Promise<StagedCounts> {
  const stage = stageTable(spec);
  const ok = spec.columns.map((c) => validText(c, quoteIdent(c.name))).join(' AND ');
  const good = `reason IS NULL AND ${ok}`;
  const typed = spec.columns.map((c) => typedFromText(c, quoteIdent(c.name))).join(', ');
  const time = typedFromText(
    spec.columns.find((c) => c.name === spec.timeColumn)!,
    quoteIdent(spec.timeColumn),
  );
  const inWindow = windowSql(spec, window, time);
  const why = `CASE ${spec.columns.map((c) => `WHEN NOT ${validText(c, quoteIdent(c.name))} THEN ${invalidTextReason(c, quoteIdent(c.name))}`).join(' ')} END`;
  await conn.run(
    `INSERT INTO ${spec.table}
     SELECT nextval('lake_row_seq'), ${typed}, ${partitionSql(spec, target, time)}, ${target.fileId}
     FROM ${stage} WHERE ${good} AND ${inWindow} ORDER BY rec`,
  );
  await conn.run(
    `INSERT INTO lake_quarantine
     SELECT ${target.fileId}, ${quoteLiteral(target.source)}, line, coalesce(reason, ${why}), left(raw, ${RAW_LIMIT})
     FROM ${stage} WHERE NOT (${good}) ORDER BY rec`,
  );
  const row = (
    await conn.runAndReadAll(
      `SELECT count(*)::DOUBLE, count(*) FILTER (WHERE ${good})::DOUBLE, count(*) FILTER (WHERE ${good} AND ${inWindow})::DOUBLE FROM ${stage}`,
    )
  ).getRows()[0];
  const [records, goodRows, rows] = row.map(Number);
  return { records, rows, quarantined: records - goodRows, outside: goodRows - rows };
}
