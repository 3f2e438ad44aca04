/** SQL fragments derived from a stream's column list, shared by the generator and the importer. */
import { quoteIdent, quoteLiteral } from '../workspace/sqlText.ts';
import type { StreamSpec } from './streams.ts';

/** `{'posnewx': 'DOUBLE', ...}`: the `columns=` argument of read_json / read_csv, so DuckDB never guesses a type. */
export function columnsStruct(spec: StreamSpec): string {
  return `{${spec.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
}

export function columnList(spec: StreamSpec, prefix = ''): string {
  return spec.columns.map((c) => prefix + quoteIdent(c.name)).join(', ');
}
