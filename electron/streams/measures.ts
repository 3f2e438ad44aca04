import type { MeasureDef, StreamDefinition } from '../../shared/api/streams.ts';
import { quoteIdent } from '../workspace/sqlText.ts';

/** The key of an unkeyed stream (one forest for the whole source). */
export const SINGLE_KEY = '';
/** Rows whose key is NULL still count, under this key. */
export const NULL_KEY = '(null)';

const column = (m: MeasureDef) => quoteIdent(`m_${m.name}`);

function aggregate(m: MeasureDef): string {
  const filter = m.where ? ` FILTER (WHERE ${m.where})` : '';
  if (m.kind === 'count') return `count(*)${filter}`;
  return `${m.kind}(CAST(${quoteIdent(m.column!)} AS DOUBLE))${filter}`;
}

/**
 * Fills a window that had no rows: a count or sum of nothing is 0; an average, minimum or maximum
 * carries the key's last value forward (0 before the first), so a quiet window is not a fake dip.
 */
function filled(m: MeasureDef, byName: Map<string, MeasureDef>): string {
  const c = column(m);
  if (m.kind === 'count' || m.kind === 'sum') return `coalesce(a.${c}, 0)`;
  if (m.kind === 'ratio') {
    const num = filled(byName.get(m.numerator!)!, byName);
    const den = filled(byName.get(m.denominator!)!, byName);
    return `coalesce(CAST(${num} AS DOUBLE) / nullif(${den}, 0), 0)`;
  }
  return `coalesce(last_value(a.${c} IGNORE NULLS) OVER (PARTITION BY g.key ORDER BY g.window_start ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0)`;
}

export function sourceSql(def: Pick<StreamDefinition, 'sourceTable' | 'sourceQuery'>): string {
  return def.sourceTable ? quoteIdent(def.sourceTable) : `(${def.sourceQuery})`;
}

/**
 * One row per (key, window) over the whole time range of the source, every key on the same grid of
 * windows, ordered by key then time: columns key, window_start, then one DOUBLE per measure.
 */
export function windowedMeasuresSql(def: StreamDefinition): string {
  const width = `to_seconds(${def.windowSeconds})`;
  const key = def.keyColumn ? `coalesce(CAST(${quoteIdent(def.keyColumn)} AS VARCHAR), '${NULL_KEY}')` : `'${SINGLE_KEY}'`;
  const time = `CAST(${quoteIdent(def.timeColumn)} AS TIMESTAMP)`;
  const plain = def.measures.filter((m) => m.kind !== 'ratio');
  const byName = new Map(def.measures.map((m) => [m.name, m]));
  return `WITH agg AS (
  SELECT ${key} AS key, time_bucket(${width}, ${time}) AS window_start${plain.map((m) => `,\n    ${aggregate(m)} AS ${column(m)}`).join('')}
  FROM ${sourceSql(def)} AS src
  WHERE ${quoteIdent(def.timeColumn)} IS NOT NULL
  GROUP BY 1, 2
),
grid AS (
  SELECT k.key, unnest(generate_series(b.lo, b.hi, ${width})) AS window_start
  FROM (SELECT DISTINCT key FROM agg) k, (SELECT min(window_start) AS lo, max(window_start) AS hi FROM agg) b
)
SELECT g.key, g.window_start${def.measures.map((m) => `,\n  CAST(${filled(m, byName)} AS DOUBLE) AS ${quoteIdent(m.name)}`).join('')}
FROM grid g LEFT JOIN agg a ON a.key = g.key AND a.window_start = g.window_start
ORDER BY g.key, g.window_start`;
}
