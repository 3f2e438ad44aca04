import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { statementAt } from '../../../shared/sql/split.ts';

/**
 * Column completion that CodeMirror's SQL schema source lacks: bare column names of the tables the
 * statement reads (`WHERE ucl` → uclass) and columns after an alias (`p.` → playlog's columns when the
 * statement says `FROM playlog p`). Pure over the statement text, so it is unit-tested.
 */

const KEYWORDS = new Set([
  'where',
  'on',
  'using',
  'join',
  'left',
  'right',
  'inner',
  'outer',
  'full',
  'cross',
  'group',
  'order',
  'limit',
  'union',
  'select',
  'having',
  'window',
  'qualify',
  'as',
  'natural',
  'lateral',
  'semi',
  'anti',
  'asof',
  'positional',
]);

/** alias (lower case) → table, for every table after FROM or JOIN (and in comma lists after FROM). The table's own name maps to itself. */
export function tableAliases(statement: string, tables: readonly string[]): Map<string, string> {
  const known = new Map(tables.map((t) => [t.toLowerCase(), t]));
  const out = new Map<string, string>();
  const ident = String.raw`"[^"]+"|[A-Za-z_][\w$]*`;
  // The alias may not be a keyword, or "FROM a JOIN b" would take JOIN as a's alias and miss b.
  const notKeyword = String.raw`(?!(?:${[...KEYWORDS].join('|')})\b)`;
  const ref = new RegExp(String.raw`(?:\bfrom|\bjoin|,)\s+((?:${ident})(?:\.(?:${ident}))*)(?:\s+(?:as\s+)?${notKeyword}(${ident}))?`, 'gi');
  for (const m of statement.matchAll(ref)) {
    const name = m[1].split('.').pop()!.replace(/"/g, '');
    const table = known.get(name.toLowerCase());
    if (!table) continue;
    out.set(table.toLowerCase(), table);
    const alias = m[2]?.replace(/"/g, '');
    if (alias) out.set(alias.toLowerCase(), table);
  }
  return out;
}

/** The completions at `pos` of `statement` (offsets within it): alias columns after `x.`, else the read tables' bare columns. */
export function columnCompletions(statement: string, pos: number, schema: Record<string, string[]>): { from: number; options: Completion[] } | null {
  const before = statement.slice(0, pos);
  const aliases = tableAliases(statement, Object.keys(schema));
  const dotted = /([A-Za-z_][\w$]*|"[^"]+")\.(\w*)$/.exec(before);
  if (dotted) {
    const table = aliases.get(dotted[1].replace(/"/g, '').toLowerCase());
    if (!table) return null;
    return { from: pos - dotted[2].length, options: schema[table].map((c) => ({ label: c, type: 'property', detail: table })) };
  }
  const word = /\w*$/.exec(before)![0];
  const tables = [...new Set(aliases.values())];
  if (tables.length === 0) return null;
  const options: Completion[] = [];
  const seen = new Set<string>();
  for (const t of tables) {
    for (const c of schema[t] ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      options.push({ label: c, type: 'property', detail: t, boost: 1 });
    }
  }
  return { from: pos - word.length, options };
}

/** DuckDB's functions as completions (after the columns; nothing after a dot). */
export function functionCompletions(names: readonly string[]): Completion[] {
  return names.map((name) => ({ label: name, type: 'function', apply: `${name}(`, boost: -1 }));
}

/** The CodeMirror source: the statement under the cursor, completed when the user types a word or a dot. */
export function columnCompletionSource(schema: () => Record<string, string[]>, functions: () => Completion[] = () => []) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const doc = ctx.state.doc.toString();
    if (!ctx.explicit && !/[\w.]$/.test(doc.slice(0, ctx.pos))) return null;
    const stmt = statementAt(doc, ctx.pos);
    // Typing past the statement's end (or in an empty editor) still completes against it.
    const start = stmt && ctx.pos >= stmt.from ? stmt.from : 0;
    const text = doc.slice(start, Math.max(stmt?.to ?? 0, ctx.pos));
    const found = columnCompletions(text, ctx.pos - start, schema());
    const afterDot = /\.\w*$/.test(doc.slice(0, ctx.pos));
    const word = /\w*$/.exec(doc.slice(0, ctx.pos))![0];
    if (afterDot) return found ? { from: start + found.from, options: found.options, validFor: /^\w*$/ } : null;
    const options = [...(found?.options ?? []), ...functions()];
    return options.length ? { from: ctx.pos - word.length, options, validFor: /^\w*$/ } : null;
  };
}
