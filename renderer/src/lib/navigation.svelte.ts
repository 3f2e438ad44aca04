/** Cross-view navigation: which view is open, and requests such as "open this query in the SQL console". */
export type ViewName = 'sources' | 'sql' | 'map' | 'anomalies' | 'streams';

export const view = $state<{ current: ViewName }>({ current: 'sql' });

export const sqlRequest = $state<{ current: { sql: string; run: boolean } | null }>({ current: null });

export function openInSql(sql: string, run = true): void {
  sqlRequest.current = { sql, run };
  view.current = 'sql';
}
