/** SQL string literal with quotes doubled; for paths and names that DuckDB cannot take as parameters (COPY, read_json). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Double-quoted identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
