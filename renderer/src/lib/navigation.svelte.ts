/** Cross-view navigation: which view is open, and requests such as "open this query in the SQL console". */
export type ViewName = 'sources' | 'sql' | 'map' | 'anomalies' | 'streams';

export const view = $state<{ current: ViewName }>({ current: 'sql' });

export const sqlRequest = $state<{ current: { sql: string; run: boolean } | null }>({ current: null });

export function openInSql(sql: string, run = true): void {
  sqlRequest.current = { sql, run };
  view.current = 'sql';
}

/** The player the Anomalies view drills into; the map sets it to jump there in one click. */
export const selectedPlayer = $state<{ pidx: number | null }>({ pidx: null });

export function openPlayer(pidx: number): void {
  selectedPlayer.pidx = pidx;
  view.current = 'anomalies';
}

/** The stream the Streams view shows (and its key's plot), kept across tab switches and named in the URL. */
export const selectedStream = $state<{ name: string | null; key: string | null }>({ name: null, key: null });
