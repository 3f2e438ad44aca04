import { ApiError } from '../../shared/api/envelope.ts';
import type { FeatureSet } from '../../shared/api/scoring.ts';
import { splitStatements } from '../../shared/sql/split.ts';
import { quoteIdent } from '../workspace/sqlText.ts';
import type { Workspace } from '../workspace/workspace.ts';

/**
 * Where a run's features come from. Every source is one SELECT whose first columns are the row key
 * (`row_id`) and, when known, the player (`pidx`); the remaining columns are the features.
 */
export interface FeatureSource {
  /** `points`, `movement` or `query`. */
  name: string;
  /** What the user asked for (the stored query). */
  query: string;
  /** The SELECT the service reads, in any order: key columns first, then features. */
  select: string;
  /**
   * The forest's sample pool: the `limit` rows that come first in an order derived from each row's data
   * (a seeded hash of the event, never row_id), feature columns only, as DOUBLE. The same files give the
   * same pool in any workspace, whatever order they were imported in.
   */
  sample(seed: number, limit: number): string;
  featureColumns: string[];
  /** row_id is playlog.row_id (else the row's ordinal in the query). */
  keyedByPlaylog: boolean;
  hasPidx: boolean;
}

/** What identifies a play-log event, for the sample order: every column of the row as it arrived. */
const EVENT = ['pidx', 'idx', 'createdate', 'posnewx', 'posnewy', 'posnewz', 'posoldx', 'posoldy', 'posoldz', 'action'];

const SETS: Record<FeatureSet, { columns: string[]; from: string; features: string[] }> = {
  // The lab's choice: where the player stands.
  points: { columns: ['posnewx', 'posnewy'], from: 'playlog', features: ['posnewx', 'posnewy'] },
  // Where, how far and how soon: a teleport or a speed hack is a long step or a short gap. A gap longer
  // than the session gap learned from the workspace (investigate/calibrate.ts; 15 minutes before any) is
  // a login, not movement: dt is capped there, so a session's first event is not the forest's outlier.
  movement: {
    columns: ['x', 'y', 'step', 'dt_seconds'],
    from: 'movement',
    features: [
      'posnewx AS x',
      'posnewy AS y',
      'step',
      'least(coalesce(dt_seconds, 0), coalesce((SELECT max(session_gap) FROM rz_rule_learned), 900)) AS dt_seconds',
    ],
  },
};

/**
 * The first `limit` rows by hash(seed, key), ties (identical keys) broken by the features, so the pool
 * is a uniform sample that depends on the data and the seed only. `key` may hold a window expression.
 */
function sampleSql(from: string, features: string[], columns: string[], key: string, seed: number, limit: number): string {
  const cols = columns.map(quoteIdent);
  return `SELECT ${cols.map((c) => `${c}::DOUBLE AS ${c}`).join(', ')} FROM (SELECT ${features.join(', ')}, hash(${seed}::UBIGINT, ${key}) AS rz_sample_key FROM ${from}) AS s
    ORDER BY rz_sample_key, ${cols.join(', ')} LIMIT ${limit}`;
}

const NUMERIC = /^(DOUBLE|FLOAT|REAL|INTEGER|BIGINT|SMALLINT|TINYINT|HUGEINT|UINTEGER|UBIGINT|USMALLINT|UTINYINT|UHUGEINT|DECIMAL.*)$/;

export function featureSet(name: FeatureSet): FeatureSource {
  const set = SETS[name];
  if (!set) throw new ApiError('BAD_REQUEST', `features must be one of ${Object.keys(SETS).join(', ')} (or a query), got "${name}"`);
  const select = `SELECT row_id, pidx, ${set.features.join(', ')} FROM ${set.from}`;
  return {
    name,
    query: select,
    select,
    featureColumns: set.columns,
    keyedByPlaylog: true,
    hasPidx: true,
    sample: (seed, limit) => sampleSql(set.from, set.features, set.columns, EVENT.join(', '), seed, limit),
  };
}

/**
 * A user's query: its numeric columns are the features, except `row_id` (the key, when it is the
 * play-log key) and `pidx` (the player) which are carried along, not scored.
 */
export async function querySource(ws: Workspace, sql: string): Promise<FeatureSource> {
  const statements = splitStatements(sql);
  if (statements.length !== 1) throw new ApiError('BAD_REQUEST', 'the feature query must be exactly one SELECT statement');
  const text = statements[0].text;
  let described: { name: string; type: string }[];
  try {
    const r = await ws.db.runAndReadAll(`DESCRIBE ${text}`);
    described = r.getRowObjectsJS().map((c) => ({ name: String(c.column_name), type: String(c.column_type) }));
  } catch (e) {
    throw new ApiError('SQL_ERROR', (e as Error).message);
  }
  const numeric = described.filter((c) => NUMERIC.test(c.type));
  const keyed = numeric.some((c) => c.name === 'row_id');
  const hasPidx = numeric.some((c) => c.name === 'pidx');
  const features = numeric.filter((c) => c.name !== 'row_id' && c.name !== 'pidx').map((c) => c.name);
  if (features.length === 0) {
    throw new ApiError(
      'BAD_REQUEST',
      `the query has no numeric columns to score (columns: ${described.map((c) => `${c.name} ${c.type}`).join(', ') || 'none'})`,
    );
  }
  const key = keyed ? 'row_id' : '(row_number() OVER () - 1) AS row_id';
  const select = `SELECT ${key}${hasPidx ? ', pidx' : ''}, ${features.map(quoteIdent).join(', ')} FROM (${text}) AS q`;
  // A query's rows are identified by what they hold (row_id aside: it is the import's numbering), and
  // identical rows by their ordinal among themselves, so each row is equally likely to be sampled.
  const identity = described.filter((c) => c.name !== 'row_id').map((c) => quoteIdent(c.name));
  const identityKey = `${identity.join(', ')}, row_number() OVER (PARTITION BY ${identity.join(', ')})`;
  return {
    name: 'query',
    query: text,
    select,
    featureColumns: features,
    keyedByPlaylog: keyed,
    hasPidx,
    sample: (seed, limit) => sampleSql(`(${text}) AS q`, features.map(quoteIdent), features, identityKey, seed, limit),
  };
}
