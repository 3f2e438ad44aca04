export interface StatementSpan {
  text: string;
  /** Offsets into the source, so the editor can find the statement under the cursor. */
  from: number;
  to: number;
}

/**
 * Splits SQL on top-level semicolons, respecting quotes, comments and $$-strings. Statements that are
 * only whitespace or comments are dropped.
 */
export function splitStatements(sql: string): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let start = 0;
  let i = 0;
  let hasCode = false;
  const push = (end: number) => {
    if (hasCode) spans.push({ text: sql.slice(start, end).trim(), from: start, to: end });
    hasCode = false;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"') {
      hasCode = true;
      i++;
      while (i < sql.length) {
        if (sql[i] === c) {
          if (sql[i + 1] === c)
            i += 2; // doubled quote escapes itself
          else break;
        } else i++;
      }
      i++;
    } else if (c === '$' && next === '$') {
      hasCode = true;
      const end = sql.indexOf('$$', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === ';') {
      push(i);
      start = ++i;
    } else {
      if (!/\s/.test(c)) hasCode = true;
      i++;
    }
  }
  push(sql.length);
  return spans;
}

/** The statement that contains (or ends just before) the cursor. */
export function statementAt(sql: string, cursor: number): StatementSpan | undefined {
  const spans = splitStatements(sql);
  return spans.find((s) => cursor >= s.from && cursor <= s.to + 1) ?? spans.at(-1);
}
