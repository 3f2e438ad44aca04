import type { Workspace } from './workspace.ts';

/** DuckDB's function and macro names (built-in and the analyst's own), for the console's autocomplete. */
export async function functionNames(ws: Workspace): Promise<string[]> {
  const r = await ws.db.runAndReadAll(
    `SELECT DISTINCT function_name FROM duckdb_functions()
     WHERE function_type IN ('scalar', 'aggregate', 'table', 'macro', 'table_macro') AND function_name NOT LIKE '\\_\\_%' ESCAPE '\\' AND regexp_matches(function_name, '^[a-z_][a-z0-9_]*$')
     ORDER BY 1`,
  );
  return (r.getColumnsJS()[0] ?? []).map(String);
}
