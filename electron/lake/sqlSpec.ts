/** SQL fragments derived from a stream's column list, shared by the generator and the importer. */
import { quoteIdent, quoteLiteral } from '../workspace/sqlText.ts';
import type { StreamColumn, StreamSpec } from './streams.ts';

/** `{'posnewx': 'DOUBLE', ...}`: the `columns=` argument of read_json / read_csv, so DuckDB never guesses a type. */
export function columnsStruct(spec: StreamSpec, readIntegersAsDouble = false): string {
  return `{${spec.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(readIntegersAsDouble ? readerType(c) : c.type)}`).join(', ')}}`;
}

/** The type DuckDB's reader is asked for: integers as DOUBLE (see checkedColumn). */
export function readerType(c: StreamColumn): string {
  return isInteger(c) ? 'DOUBLE' : c.type;
}

function isInteger(c: StreamColumn): boolean {
  return c.type === 'INTEGER' || c.type === 'BIGINT';
}

/**
 * A column read by DuckDB's reader, as its declared type. DuckDB rounds 3.7 into an INTEGER column,
 * so integer columns are read as DOUBLE and a fraction (or a BIGINT past 2^53, which DOUBLE cannot
 * hold exactly) raises an error: the object then takes the careful path, which quarantines that line.
 */
export function checkedColumn(c: StreamColumn, from: string): string {
  const col = `${from}.${quoteIdent(c.name)}`;
  if (!isInteger(c)) return col;
  return `CASE WHEN ${col} = trunc(${col}) AND abs(${col}) < 9007199254740992 THEN ${col}::${c.type} ELSE error(${quoteLiteral(`${c.name} is not a whole number`)}) END`;
}
