/**
 * The two Firehose logs (delivery streams) the lake reads, as data: column names and DuckDB types in the lab's order.
 * The generator writes these columns, the importer declares these types, the views expose them.
 */
export type LogName = 'playlog' | 'userlog';

export interface LogColumn {
  name: string;
  type: 'DOUBLE' | 'INTEGER' | 'BIGINT' | 'VARCHAR' | 'TIMESTAMP';
}

export interface LogSpec {
  name: LogName;
  /** The workspace table that holds the stream's rows (the views read it). */
  table: string;
  columns: LogColumn[];
  /** The event-time column (used for the event-time window and for partitions when the path has none). */
  timeColumn: string;
}

export const PLAYLOG: LogSpec = {
  name: 'playlog',
  table: 'lake_playlog_data',
  timeColumn: 'createdate',
  columns: [
    { name: 'posnewx', type: 'DOUBLE' },
    { name: 'posnewy', type: 'DOUBLE' },
    { name: 'posnewz', type: 'DOUBLE' },
    { name: 'posoldx', type: 'DOUBLE' },
    { name: 'posoldy', type: 'DOUBLE' },
    { name: 'posoldz', type: 'DOUBLE' },
    { name: 'pidx', type: 'INTEGER' },
    { name: 'idx', type: 'BIGINT' },
    { name: 'action', type: 'INTEGER' },
    { name: 'createdate', type: 'TIMESTAMP' },
  ],
};

export const USERLOG: LogSpec = {
  name: 'userlog',
  table: 'lake_userlog_data',
  timeColumn: 'utimestamp',
  columns: [
    { name: 'pidx', type: 'INTEGER' },
    { name: 'uclass', type: 'VARCHAR' },
    { name: 'ulevel', type: 'INTEGER' },
    { name: 'utimestamp', type: 'TIMESTAMP' },
  ],
};

export const LOGS: Record<LogName, LogSpec> = { playlog: PLAYLOG, userlog: USERLOG };

/** The red zone honest players never enter, and the lab's hot zone. Inclusive bounds, as SQL BETWEEN. */
export const RED_ZONE = { x0: 1000, x1: 1200, y0: 0, y1: 400 } as const;
export const HOT_ZONE = { x0: 300, x1: 500, y0: 400, y1: 700 } as const;

export function inZone(zone: { x0: number; x1: number; y0: number; y1: number }, x: number, y: number): boolean {
  return x >= zone.x0 && x <= zone.x1 && y >= zone.y0 && y <= zone.y1;
}
