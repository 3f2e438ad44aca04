/**
 * SQL fragments derived from a stream's column list, shared by the generator and the importer, and the
 * one value spec both import paths apply: the fast path raises an error on the first value that breaks
 * it (the object then goes the careful path), the careful path quarantines exactly those records with
 * the reason. A value is accepted when:
 * - DOUBLE: a finite number (`NaN`, `Infinity`, `1e400` poison every distance and every forest);
 * - INTEGER / BIGINT: a whole number within ±(2^53 − 1) and the type's range (a JSON number past 2^53
 *   has already been rounded by any JSON reader, so it cannot be trusted);
 * - TIMESTAMP: ISO 8601 `YYYY-MM-DD[ T]HH:MM[:SS[.fff]]` (or a bare date; unpadded fields too), naive = UTC, or with an
 *   offset (`Z`, `UTC`, `±HH`, `±HHMM`, `±HH:MM`) converted to UTC; named zones (`EST` is three
 *   different zones) and other layouts (`10/11/2018`) are ambiguous and refused; the instant must lie in
 *   [1970-01-01, 10000-01-01) (`infinity` and year 99999 break JS dates and every time window);
 * - VARCHAR: anything (a CSV value with a line break is judged record by record on the careful path).
 */
import { quoteIdent, quoteLiteral } from '../workspace/sqlText.ts';
import type { LogColumn, LogSpec } from './logs.ts';

/** `{'posnewx': 'DOUBLE', ...}`: the `columns=` argument of read_json / read_csv, so DuckDB never guesses a type. */
export function columnsStruct(spec: LogSpec, forImport = false): string {
  return `{${spec.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(forImport ? readerType(c) : c.type)}`).join(', ')}}`;
}

/** The type DuckDB's reader is asked for on import: integers as DOUBLE, timestamps as text (see checkedColumn). */
export function readerType(c: LogColumn): string {
  return isInteger(c) ? 'DOUBLE' : c.type === 'TIMESTAMP' ? 'VARCHAR' : c.type;
}

function isInteger(c: LogColumn): boolean {
  return c.type === 'INTEGER' || c.type === 'BIGINT';
}

const MAX_EXACT = 9007199254740992; // 2^53
const TIME_RANGE = { from: "TIMESTAMP '1970-01-01'", to: "TIMESTAMP '10000-01-01'" };
/** The layouts accepted with an offset; anything else after the time is a named zone or garbage. */
const OFFSET_TIME = String.raw`\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)? ?(Z|UTC|[+-]\d\d(:?\d\d)?)`;
const NAIVE_TIME = String.raw`\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?`;

/** The common naive layouts, parsed by strptime before any regular expression (see timeFromText). */
const NAIVE_FORMATS = ['%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S'];

/**
 * Text to a naive-UTC TIMESTAMP, NULL when it breaks the spec. strptime takes the common case (naive
 * ISO to the second or microsecond; it also takes unpadded fields such as `2018-1-5 1:2:3`, which are
 * just as unambiguous) and refuses anything after the time, so an offset never gets through it. The
 * rest pays for one regular expression that tells the other naive layouts (a bare date, minutes only,
 * nanoseconds) from offsets. Measured on 2M rows over a bare cast: strptime first costs 70 ms, the
 * regular expression alone 120 ms, the string-function test before it 490 ms (imports a third slower).
 * Offsets go through TIMESTAMPTZ, exact whatever the session's time zone, and back to naive UTC.
 */
export function timeFromText(text: string): string {
  return `coalesce(try_strptime(${text}, [${NAIVE_FORMATS.map(quoteLiteral).join(', ')}]), CASE
    WHEN regexp_full_match(${text}, ' *${NAIVE_TIME} *') THEN TRY_CAST(${text} AS TIMESTAMP)
    WHEN regexp_full_match(trim(${text}), '${OFFSET_TIME}') THEN TRY_CAST(TRY_CAST(trim(${text}) AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP)
  END)`;
}

interface Rule {
  /** SQL true when the typed value is acceptable. */
  ok: (typed: string) => string;
  /** Why not, for the quarantine (followed by the raw value). */
  why: string;
}

/** The range rules on a typed value (the careful path's TRY_CAST, the fast path's reader value). */
function rangeRule(c: LogColumn): Rule | null {
  if (c.type === 'DOUBLE') return { ok: (v) => `isfinite(${v})`, why: 'is not a finite number' };
  if (isInteger(c)) return { ok: (v) => `abs(${v}) < ${MAX_EXACT}`, why: 'is beyond ±2^53 (not exact in JSON)' };
  if (c.type === 'TIMESTAMP') return { ok: (v) => `(${v} >= ${TIME_RANGE.from} AND ${v} < ${TIME_RANGE.to})`, why: 'is outside 1970–9999' };
  return null;
}

/** A column as DuckDB's reader gives it (readerType), typed but not yet checked: timestamps parsed from their text. */
export function parsedColumn(c: LogColumn, from: string): string {
  const col = `${from}.${quoteIdent(c.name)}`;
  // Parquet may hold a TIMESTAMP or TIMESTAMPTZ: as text it takes the same rules (an offset included).
  return c.type === 'TIMESTAMP' ? timeFromText(`CAST(${col} AS VARCHAR)`) : col;
}

/**
 * A parsed column (parsedColumn) as its declared type, or an error. DuckDB rounds 3.7 into an INTEGER
 * column, so integer columns are read as DOUBLE and a fraction, a non-finite value or a BIGINT past
 * 2^53 raises an error; so do non-finite doubles and times the spec refuses.
 */
export function checkedColumn(c: LogColumn, from: string, csv = false): string {
  const col = `${from}.${quoteIdent(c.name)}`;
  const fail = (what: string) => `error(${quoteLiteral(`${c.name} ${what}`)})`;
  // A CSV value spanning lines may be two stray quotes around good lines: the careful path judges it.
  if (csv && c.type === 'VARCHAR') return `CASE WHEN strpos(${col}, chr(10)) = 0 THEN ${col} ELSE ${fail('spans lines')} END`;
  if (isInteger(c)) return `CASE WHEN ${col} = trunc(${col}) AND abs(${col}) < ${MAX_EXACT} THEN ${col}::${c.type} ELSE ${fail('is not a whole number')} END`;
  const range = rangeRule(c);
  return range ? `CASE WHEN ${range.ok(col)} THEN ${col} ELSE ${fail(range.why)} END` : col;
}

/** The careful path's cast of a staged text value to its type (NULL when it breaks the spec's syntax). */
export function typedFromText(c: LogColumn, text: string): string {
  return c.type === 'TIMESTAMP' ? timeFromText(text) : `TRY_CAST(${text} AS ${c.type})`;
}

/** SQL true when the staged text is a valid value of its column (integers must be whole: DuckDB would round '3.7'). */
export function validText(c: LogColumn, text: string): string {
  const typed = typedFromText(c, text);
  const range = rangeRule(c);
  const parts = [`${typed} IS NOT NULL`];
  if (isInteger(c)) parts.push(`regexp_full_match(trim(${text}), '[-+]?[0-9]+')`);
  if (range) parts.push(`coalesce(${range.ok(typed)}, FALSE)`);
  return `(${parts.join(' AND ')})`;
}

/** Why the staged text is not a valid value (call where validText is false). */
export function invalidTextReason(c: LogColumn, text: string): string {
  const typed = typedFromText(c, text);
  const range = rangeRule(c);
  const shown = `coalesce(left(${text}, 80), 'NULL')`;
  const bad = (what: string) => `${quoteLiteral(`${c.name} ${what}: `)} || ${shown}`;
  let syntax = bad(`is not a valid ${c.type}`);
  // DuckDB would read `… EST` or `… America/New_York`: a named zone is a guess (EST is three zones).
  if (c.type === 'TIMESTAMP')
    syntax = `CASE WHEN lower(trim(${text})) IN ('infinity', '-infinity') THEN ${bad(range!.why)} WHEN TRY_CAST(${text} AS TIMESTAMPTZ) IS NOT NULL THEN ${bad('has an ambiguous time zone or layout (use ISO 8601 with Z or ±HH:MM)')} ELSE ${syntax} END`;
  if (!range) return syntax;
  const okSyntax = isInteger(c) ? `(${typed} IS NOT NULL AND regexp_full_match(trim(${text}), '[-+]?[0-9]+'))` : `${typed} IS NOT NULL`;
  return `CASE WHEN ${okSyntax} THEN ${bad(range.why)} ELSE ${syntax} END`;
}

/**
 * A path DuckDB reads as itself, never as a glob: `playlog[1].json` would otherwise read
 * `playlog1.json`, and a pattern matching 0 or 2 files shifts a batch's file_index mapping. DuckDB
 * globs only paths holding `*`, `?` or `[`; each goes inside a one-character class.
 */
export function literalPath(path: string): string {
  return /[*?[]/.test(path) ? path.replace(/[*?[]/g, (ch) => `[${ch}]`) : path;
}
