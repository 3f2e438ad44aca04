/**
 * The one CSV writer (SQL export from the CLI, ban list, alerts): RFC 4180 — fields quoted when they
 * hold a comma, quote, CR or LF; quotes doubled; rows end in CRLF.
 */
export interface CsvOptions {
  /**
   * Neutralise spreadsheet formula injection: a text cell beginning with = + - @ tab or CR gets a
   * leading apostrophe. Numbers are left alone (a negative score stays a number).
   */
  neutralizeFormulas?: boolean;
}

export const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown, options: CsvOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : String(value);
  if (options.neutralizeFormulas && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[], options: CsvOptions = {}): string {
  return values.map((v) => csvCell(v, options)).join(',') + '\r\n';
}

export function csvDocument(header: readonly string[], rows: readonly (readonly unknown[])[], options: CsvOptions = {}): string {
  return csvRow(header, options) + rows.map((r) => csvRow(r, options)).join('');
}
