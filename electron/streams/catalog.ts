import { ApiError } from '../../shared/api/envelope.ts';
import type { StreamDefinition, StreamDefinitionInput, StreamSummary } from '../../shared/api/streams.ts';
import { inTransaction, selectRows, withConnection } from '../workspace/db.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { validateDefinition } from './definition.ts';
import { sourceSql, windowedMeasuresSql } from './measures.ts';
import { listRuns } from './runs.ts';

/** Column types a sum, average, minimum or maximum can take. */
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL|BOOLEAN)/;

/** Every stored stream with its latest run. */
export async function listStreams(ws: Workspace): Promise<StreamSummary[]> {
  const defs = await selectRows(ws.db, `SELECT definition FROM rz_stream ORDER BY name`);
  const runs = await listRuns(ws);
  return defs.map((r) => {
    const definition = JSON.parse(String(r.definition)) as StreamDefinition;
    const latestRun = runs.find((x) => x.stream === definition.name);
    return { definition, ...(latestRun ? { latestRun } : {}) };
  });
}

export async function getStream(ws: Workspace, name: string): Promise<StreamDefinition> {
  const [row] = await selectRows(ws.db, `SELECT definition FROM rz_stream WHERE name = $1`, [name]);
  if (!row) throw new ApiError('NOT_FOUND', `no stream named "${name}"`);
  return JSON.parse(String(row.definition));
}

/** Validates the definition against the data (columns exist, time is a timestamp) and saves it. */
export async function defineStream(ws: Workspace, input: StreamDefinitionInput): Promise<StreamDefinition> {
  const def = validateDefinition(input);
  let types: Map<string, string>;
  try {
    const described = await selectRows(ws.db, `DESCRIBE SELECT * FROM ${sourceSql(def)}`);
    types = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
  } catch (e) {
    throw new ApiError('BAD_REQUEST', `the stream's source cannot be read: ${firstLine(e)}`);
  }
  const timeType = types.get(def.timeColumn);
  if (!timeType) throw new ApiError('BAD_REQUEST', `the source has no column "${def.timeColumn}" (it has ${[...types.keys()].join(', ')})`);
  if (!/^(TIMESTAMP|DATE)/.test(timeType)) throw new ApiError('BAD_REQUEST', `time column "${def.timeColumn}" is ${timeType}; it must be a TIMESTAMP or DATE`);
  if (def.keyColumn && !types.has(def.keyColumn)) throw new ApiError('BAD_REQUEST', `the source has no key column "${def.keyColumn}"`);
  for (const m of def.measures) {
    if (!m.column) continue;
    const type = types.get(m.column);
    if (!type) throw new ApiError('BAD_REQUEST', `measure "${m.name}": the source has no column "${m.column}" (it has ${[...types.keys()].join(', ')})`);
    if (!NUMERIC.test(type)) throw new ApiError('BAD_REQUEST', `measure "${m.name}": column "${m.column}" is ${type}; ${m.kind} needs a number`);
  }
  try {
    await ws.db.run(`DESCRIBE ${windowedMeasuresSql(def)}`);
  } catch (e) {
    throw new ApiError('BAD_REQUEST', `a measure cannot be computed: ${firstLine(e)}`);
  }
  await ws.db.run(`INSERT OR REPLACE INTO rz_stream VALUES ($1, $2, now()::TIMESTAMP)`, [def.name, JSON.stringify(def)]);
  return def;
}

/** Removes the definition with its runs, marks and saved forests. */
export async function deleteStream(ws: Workspace, name: string): Promise<void> {
  await getStream(ws, name);
  await withConnection(ws, (conn) =>
    inTransaction(conn, async () => {
      for (const table of ['rz_stream_window', 'rz_stream_incident'])
        await conn.run(`DELETE FROM ${table} WHERE run_id IN (SELECT id FROM rz_stream_run WHERE stream = $1)`, [name]);
      await conn.run(`DELETE FROM rz_stream_run WHERE stream = $1`, [name]);
      await conn.run(`DELETE FROM rz_stream_mark WHERE stream = $1`, [name]);
      await conn.run(`DELETE FROM rz_stream_state WHERE stream = $1`, [name]);
      await conn.run(`DELETE FROM rz_stream WHERE name = $1`, [name]);
    }),
  );
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
