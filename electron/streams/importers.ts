import type { DuckDBConnection } from '@duckdb/node-api';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError } from '../../shared/api/envelope.ts';
import type { DemoKind, StreamImportResult } from '../../shared/api/streams.ts';
import { inTransaction } from '../workspace/db.ts';
import { quoteIdent, quoteLiteral } from '../workspace/sqlText.ts';

interface Shape {
  table: string;
  columns: string;
  /** SELECT over rz_lines(line, text) giving the typed columns, `reason` (NULL = good line) and `header`. */
  parse: string;
}

/** Series files may count steps instead of timestamps (the reference series.csv does): step i → epoch + i · 30 min. */
const INDEX_STEP = 'INTERVAL 30 MINUTE';

const SHAPES: Record<DemoKind, Shape> = {
  // The toll lab's Firehose lines: `date,toll,user`, no header.
  toll: {
    table: 'toll_events',
    columns: 'ts TIMESTAMP, toll VARCHAR, user_id VARCHAR',
    parse: `SELECT line, text, try_cast(trim(p[1]) AS TIMESTAMP) AS ts, trim(p[2]) AS toll, trim(p[3]) AS user_id,
        CASE WHEN len(p) <> 3 THEN 'expected 3 fields: date,toll,user'
             WHEN try_cast(trim(p[1]) AS TIMESTAMP) IS NULL THEN 'date is not a timestamp'
             WHEN trim(p[2]) = '' THEN 'toll is empty' END AS reason, false AS header
      FROM (SELECT line, text, string_split(text, ',') AS p FROM rz_lines)`,
  },
  // Clickstream JSON lines: {"browseraction": "Click" | "Impression" | ..., "site": ..., "time": ...}.
  clickstream: {
    table: 'click_events',
    columns: 'ts TIMESTAMP, browseraction VARCHAR, site VARCHAR',
    parse: `SELECT line, text, ts, browseraction, site,
        CASE WHEN NOT ok THEN 'not a JSON object'
             WHEN browseraction IS NULL THEN 'no "browseraction"'
             WHEN t IS NULL THEN 'no "time" (or "timestamp", "event_time", "ts")'
             WHEN ts IS NULL THEN 'time is neither a timestamp nor epoch seconds/milliseconds' END AS reason, false AS header
      FROM (
        SELECT *, CASE WHEN try_cast(t AS DOUBLE) IS NULL THEN try_cast(t AS TIMESTAMP)
                       WHEN try_cast(t AS DOUBLE) > 1e11 THEN try(make_timestamp(CAST(try_cast(t AS DOUBLE) * 1000 AS BIGINT)))
                       ELSE try(make_timestamp(CAST(try_cast(t AS DOUBLE) * 1e6 AS BIGINT))) END AS ts
        FROM (
          SELECT line, text, ok,
            CASE WHEN ok THEN json_extract_string(text, '$.browseraction') END AS browseraction,
            CASE WHEN ok THEN json_extract_string(text, '$.site') END AS site,
            CASE WHEN ok THEN coalesce(json_extract_string(text, '$.time'), json_extract_string(text, '$.timestamp'),
                                       json_extract_string(text, '$.event_time'), json_extract_string(text, '$.ts')) END AS t
          FROM (SELECT line, text, coalesce(try(json_type(text)) = 'OBJECT', false) AS ok FROM rz_lines)
        )
      )`,
  },
  // The taxi-ridership shape: `timestamp,value`, with or without a header.
  series: {
    table: 'series_values',
    columns: 'ts TIMESTAMP, value DOUBLE',
    parse: `SELECT line, text,
        coalesce(try_cast(trim(p[1]) AS TIMESTAMP), CASE WHEN regexp_full_match(trim(p[1]), '-?[0-9]{1,12}') THEN TIMESTAMP '1970-01-01' + CAST(trim(p[1]) AS BIGINT) * ${INDEX_STEP} END) AS ts,
        try_cast(trim(p[2]) AS DOUBLE) AS value,
        CASE WHEN len(p) <> 2 THEN 'expected 2 fields: timestamp,value'
             WHEN ts IS NULL THEN 'timestamp is neither a timestamp nor a step number'
             WHEN value IS NULL OR NOT isfinite(value) THEN 'value is not a number' END AS reason,
        -- A first line like "timestamp,value" is a header: skipped, not quarantined.
        line = 1 AND len(p) = 2 AND try_cast(trim(p[2]) AS DOUBLE) IS NULL AS header
      FROM (SELECT line, text, string_split(text, ',') AS p FROM rz_lines)`,
  },
};

/**
 * Loads a file of one of the three reference shapes into its table: good lines are appended, bad
 * ones go to rz_stream_quarantine with the reason, so loaded + quarantined = the file's non-blank
 * lines (a series header is neither). Runs in one transaction on the caller's connection.
 */
export async function importStreamFile(conn: DuckDBConnection, kind: DemoKind, path: string, table = SHAPES[kind].table): Promise<StreamImportResult> {
  const shape = SHAPES[kind];
  if (!shape) throw new ApiError('BAD_REQUEST', `kind must be toll, clickstream or series, got "${kind}"`);
  const file = resolve(path);
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch {
    throw new ApiError('IO_ERROR', `cannot read ${file}: no such file`);
  }
  try {
    return await inTransaction(conn, async () => {
      // One VARCHAR column per line: no quoting, a delimiter that never occurs, so every line arrives as written.
      await conn.run(`CREATE OR REPLACE TEMP TABLE rz_lines AS
      SELECT row_number() OVER () AS line, l AS text
      FROM read_csv(${quoteLiteral(file)}, columns = {'l': 'VARCHAR'}, header = false, delim = chr(1), quote = '', escape = '', auto_detect = false)`);
      await conn.run(`CREATE OR REPLACE TEMP TABLE rz_parsed AS SELECT * FROM (${shape.parse}) WHERE trim(coalesce(text, '')) <> '' AND NOT header`);
      await conn.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(table)} (${shape.columns})`);
      const cols = shape.columns.split(',').map((c) => quoteIdent(c.trim().split(/\s+/)[0]));
      await conn.run(`INSERT INTO ${quoteIdent(table)} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM rz_parsed WHERE reason IS NULL ORDER BY line`);
      await conn.run(
        `INSERT INTO rz_stream_quarantine SELECT $1, $2, line, text, reason, now()::TIMESTAMP FROM rz_parsed WHERE reason IS NOT NULL ORDER BY line`,
        [table, file],
      );
      const counts = (await conn.runAndReadAll(`SELECT count(*), count(*) FILTER (WHERE reason IS NULL) FROM rz_parsed`)).getRows()[0];
      const samples = (await conn.runAndReadAll(`SELECT line, reason FROM rz_parsed WHERE reason IS NOT NULL ORDER BY line LIMIT 5`)).getRows();
      const lines = Number(counts[0]);
      const loaded = Number(counts[1]);
      return { table, lines, loaded, quarantined: lines - loaded, samples: samples.map(([line, reason]) => ({ line: Number(line), reason: String(reason) })) };
    });
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError('SQL_ERROR', `importing ${file} into ${table}: ${(e as Error).message}`);
  } finally {
    await conn.run('DROP TABLE IF EXISTS rz_lines; DROP TABLE IF EXISTS rz_parsed').catch(() => {});
  }
}
