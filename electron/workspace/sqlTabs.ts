import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/envelope.ts';
import type { SqlTab, SqlTabs } from '../../shared/api/sql.ts';
import type { Workspace } from './workspace.ts';

/** More would be a bug in the caller, not an analyst's workload. */
export const MAX_TABS = 100;

/** The console's editor tabs as saved in the workspace (rz_sql_tab), in their order. */
export async function readSqlTabs(db: DuckDBConnection): Promise<SqlTabs> {
  const rows = (await db.runAndReadAll('SELECT id, name, sql, active FROM rz_sql_tab ORDER BY position')).getRowObjectsJS();
  const tabs = rows.map((r) => ({ id: String(r.id), name: String(r.name), sql: String(r.sql) }));
  const active = rows.find((r) => r.active === true)?.id;
  return { tabs, active: active !== undefined ? String(active) : (tabs[0]?.id ?? null) };
}

/** Checks a request's tabs: distinct ids, text fields, and an active tab among them. */
export function validSqlTabs(input: unknown): SqlTabs {
  const { tabs, active } = (input ?? {}) as Partial<SqlTabs>;
  if (!Array.isArray(tabs)) throw new ApiError('BAD_REQUEST', '"tabs" must be a list of { id, name, sql }');
  if (tabs.length > MAX_TABS) throw new ApiError('BAD_REQUEST', `at most ${MAX_TABS} tabs can be saved`);
  const clean: SqlTab[] = tabs.map((t, i) => {
    const { id, name, sql } = (t ?? {}) as Partial<SqlTab>;
    if (typeof id !== 'string' || !id || typeof name !== 'string' || typeof sql !== 'string')
      throw new ApiError('BAD_REQUEST', `tab ${i + 1} needs a non-empty "id" and text "name" and "sql"`);
    return { id, name, sql };
  });
  if (new Set(clean.map((t) => t.id)).size !== clean.length) throw new ApiError('BAD_REQUEST', 'tab ids must be distinct');
  if (clean.length === 0) return { tabs: [], active: null };
  if (typeof active !== 'string' || !clean.some((t) => t.id === active)) throw new ApiError('BAD_REQUEST', '"active" must be the id of one of the tabs');
  return { tabs: clean, active };
}

/** Replaces the saved tabs in one transaction on a connection of its own, so a reader never sees half a list. */
export async function saveSqlTabs(ws: Workspace, input: unknown): Promise<SqlTabs> {
  const { tabs, active } = validSqlTabs(input);
  const conn = await ws.connect();
  try {
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run('DELETE FROM rz_sql_tab');
      for (const [i, t] of tabs.entries()) await conn.run('INSERT INTO rz_sql_tab VALUES ($1, $2, $3, $4, $5)', [i, t.id, t.name, t.sql, t.id === active]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK').catch(() => {});
      throw e;
    }
  } finally {
    conn.closeSync();
  }
  return { tabs, active };
}
