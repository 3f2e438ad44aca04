import type { SqlRunResult, SqlSortResult, SqlStatementResult, SqlTab } from '../../../../shared/api/sql.ts';
import { call, newId } from '../../lib/api.ts';

/** An editor tab: its text and name are saved in the workspace; its result lives as long as the window. */
export interface EditorTab extends SqlTab {
  result: SqlRunResult | null;
  error: string | null;
  /** Which statement's result is shown after a Run all. */
  pane: number;
  /** A result's server-side order, by result id. */
  sorts: Record<string, SqlSortResult>;
}

const FIRST_SQL = 'SELECT * FROM range(10) t(n);';

/** The SQL view's state, kept here so a switch to another view and back finds it as it was. */
export const sqlState = $state<{ workspace: string | null; tabs: EditorTab[]; active: string | null }>({ workspace: null, tabs: [], active: null });

const blank = (t: SqlTab): EditorTab => ({ ...t, result: null, error: null, pane: 0, sorts: {} });

/** One result per statement: a batch's list, or the single statement's own. */
export function panes(run: SqlRunResult): SqlStatementResult[] {
  return (
    run.results ?? [
      {
        sql: '',
        columns: run.columns,
        rowCount: run.rowCount,
        ...(run.resultId ? { resultId: run.resultId } : {}),
        ...(run.rowsChanged !== undefined ? { rowsChanged: run.rowsChanged } : {}),
      },
    ]
  );
}

/** Closes a tab's kept results on the server (a new run replaces them, a closed tab drops them). */
export function releaseResults(tab: EditorTab): void {
  for (const p of tab.result ? panes(tab.result) : []) if (p.resultId) call('sql.close', { resultId: p.resultId }).catch(() => {});
}

let loading: string | null = null;
/**
 * Loads the workspace's saved tabs once per workspace (a first visit gets one tab with a sample query).
 * `workspace` is set once they are in, and the view shows no tabs before: none can be added and lost.
 */
export async function loadTabs(workspace: string): Promise<void> {
  if (sqlState.workspace === workspace || loading === workspace) return;
  loading = workspace;
  const saved = await call('sql.tabs', {}).catch(() => ({ tabs: [], active: null }));
  if (loading !== workspace) return;
  loading = null;
  for (const t of sqlState.tabs) releaseResults(t);
  sqlState.tabs = saved.tabs.length ? saved.tabs.map(blank) : [blank({ id: newId(), name: 'Query 1', sql: FIRST_SQL })];
  sqlState.active = saved.tabs.some((t) => t.id === saved.active) ? saved.active : sqlState.tabs[0].id;
  sqlState.workspace = workspace;
}

export function activeTab(): EditorTab | undefined {
  return sqlState.tabs.find((t) => t.id === sqlState.active) ?? sqlState.tabs[0];
}

export function addTab(sql = ''): EditorTab {
  const taken = new Set(sqlState.tabs.map((t) => t.name));
  let n = sqlState.tabs.length + 1;
  while (taken.has(`Query ${n}`)) n++;
  sqlState.tabs.push(blank({ id: newId(), name: `Query ${n}`, sql }));
  const tab = sqlState.tabs.at(-1)!;
  sqlState.active = tab.id;
  return tab;
}

/** Closes a tab; the last one closed leaves a fresh empty one, so there is always an editor. */
export function closeTab(id: string): void {
  const i = sqlState.tabs.findIndex((t) => t.id === id);
  if (i < 0) return;
  releaseResults(sqlState.tabs[i]);
  sqlState.tabs.splice(i, 1);
  if (sqlState.tabs.length === 0) addTab();
  else if (sqlState.active === id) sqlState.active = sqlState.tabs[Math.min(i, sqlState.tabs.length - 1)].id;
}

let timer: ReturnType<typeof setTimeout> | undefined;
/** Saves the tabs' names, text and which is active, shortly after the last change (typing saves once it pauses). */
export function saveTabsSoon(): void {
  clearTimeout(timer);
  const workspace = sqlState.workspace;
  const body = { tabs: sqlState.tabs.map(({ id, name, sql }) => ({ id, name, sql })), active: sqlState.active };
  timer = setTimeout(() => {
    if (workspace === sqlState.workspace) call('sql.saveTabs', body).catch(() => {});
  }, 300);
}
