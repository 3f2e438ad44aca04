import type { Workspace } from '../workspace/workspace.ts';

/** True when a table or view of that name exists in the workspace (the lake's views arrive with the first import). */
export async function tableExists(ws: Workspace, name: string): Promise<boolean> {
  const r = await ws.db.runAndReadAll(
    `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database() AND table_name = $1`,
    [name],
  );
  return Number(r.getRows()[0][0]) > 0;
}

/** A TIMESTAMP as DuckDB's JS conversion returns it (a Date), as ISO 8601 UTC. */
export function isoTime(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}
