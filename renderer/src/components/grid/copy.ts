import { csvCell } from '../../../../shared/csv.ts';

/**
 * What a grid puts on the clipboard. TSV pastes into spreadsheets as cells (a field with a tab,
 * newline or quote is quoted, as Excel and Sheets write it); NULL is an empty cell.
 */
export type CellValue = string | number | boolean | null;

function tsvCell(v: CellValue): string {
  if (v === null) return '';
  const text = String(v);
  return /[\t\r\n"]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toTsv(rows: readonly (readonly CellValue[])[], header?: readonly string[]): string {
  const lines = rows.map((r) => r.map(tsvCell).join('\t'));
  return (header ? [header.map(tsvCell).join('\t'), ...lines] : lines).join('\n');
}

/** One column as CSV with its name as the header (RFC 4180, CRLF). */
export function columnCsv(name: string, values: readonly CellValue[]): string {
  return [name, ...values].map((v) => csvCell(v)).join('\r\n') + '\r\n';
}

/**
 * A column's distinct non-null values as a SQL list for `WHERE x IN (…)`: numbers and booleans as
 * literals, everything else quoted (quotes doubled), in first-seen order.
 */
export function sqlInList(values: readonly CellValue[]): string {
  const seen = new Set<string>();
  for (const v of values) {
    if (v === null) continue;
    seen.add(typeof v === 'number' || typeof v === 'boolean' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
  }
  // An empty list is not SQL; IN (NULL) is, and matches nothing.
  return `IN (${seen.size ? [...seen].join(', ') : 'NULL'})`;
}
