/**
 * The console's guard over Redzone's own objects (issue #13, item 3): the views over the lake and the
 * lake_*, s3_*, rz_* tables cannot be dropped, altered or written from the console, because every
 * feature reads them and re-importing cannot bring lost rows back (the files are "unchanged"). The
 * analyst's own tables and views are free. Pure: it reads the statement's words, never the database.
 */

export const REDZONE_VIEWS = ['playlog', 'userlog', 'userprofile', 'gamelog', 'movement'];
const REDZONE_PREFIXES = ['lake_', 's3_', 'rz_'];

type Token = { word: string; quoted: boolean } | { punct: string };

/** Words (lower case unless quoted, which are unquoted) and punctuation; strings and comments skipped. */
export function tokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) i++;
    else if (sql.startsWith('--', i)) i = endOf(sql, '\n', i + 2);
    else if (sql.startsWith('/*', i)) i = endOf(sql, '*/', i + 2);
    else if (c === "'") i = endOfQuoted(sql, "'", i + 1).end;
    else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))![0];
      i = endOf(sql, tag, i + tag.length);
    } else if (c === '"') {
      const { end, text } = endOfQuoted(sql, '"', i + 1);
      out.push({ word: text, quoted: true });
      i = end;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(i))!;
      out.push({ word: m[0].toLowerCase(), quoted: false });
      i += m[0].length;
    } else {
      out.push({ punct: c });
      i++;
    }
  }
  return out;
}

function endOf(sql: string, closing: string, from: number): number {
  const at = sql.indexOf(closing, from);
  return at < 0 ? sql.length : at + closing.length;
}

/** A quoted run with doubled quotes inside: where it ends and its text. */
function endOfQuoted(sql: string, q: string, from: number): { end: number; text: string } {
  let text = '';
  let i = from;
  while (i < sql.length) {
    if (sql[i] === q) {
      if (sql[i + 1] === q) {
        text += q;
        i += 2;
        continue;
      }
      return { end: i + 1, text };
    }
    text += sql[i++];
  }
  return { end: i, text };
}

const isWord = (t: Token | undefined, ...words: string[]): boolean => !!t && 'word' in t && !t.quoted && words.includes(t.word);

/** Is `name` (the last part of a qualified name, as DuckDB folds it) one of Redzone's own objects? */
export function isRedzoneObject(name: string): boolean {
  const n = name.toLowerCase();
  return REDZONE_VIEWS.includes(n) || REDZONE_PREFIXES.some((p) => n.startsWith(p));
}

/** Reads a possibly qualified name at `i`: its last part and the index after it. */
function nameAt(ts: Token[], i: number): { name: string; next: number } | null {
  let name: string | null = null;
  while (i < ts.length) {
    const t = ts[i];
    if (!('word' in t)) return null;
    name = t.word;
    i++;
    if (i < ts.length && 'punct' in ts[i] && (ts[i] as { punct: string }).punct === '.') i++;
    else break;
  }
  return name === null ? null : { name, next: i };
}

/** Skips optional words (IF EXISTS, OR REPLACE, TEMP, …) starting at `i`. */
function skip(ts: Token[], i: number, ...words: string[]): number {
  while (isWord(ts[i], ...words)) i++;
  return i;
}

const isPunct = (t: Token | undefined, p: string): boolean => !!t && 'punct' in t && t.punct === p;

/** The objects a statement would drop, alter, create over or write (best effort over its words). */
export function writeTargets(sql: string): { verb: string; names: string[] } | null {
  return targetsOf(tokens(sql));
}

function targetsOf(ts: Token[]): { verb: string; names: string[] } | null {
  let i = 0;
  // WITH … AS (…) [, …] then the statement: find its verb at depth 0.
  if (isWord(ts[0], 'with')) {
    let depth = 0;
    for (i = 1; i < ts.length; i++) {
      const t = ts[i];
      if ('punct' in t) depth += t.punct === '(' ? 1 : t.punct === ')' ? -1 : 0;
      else if (depth === 0 && isWord(t, 'select', 'insert', 'update', 'delete', 'merge', 'from', 'values')) break;
    }
  }
  const verb = ts[i] && 'word' in ts[i] ? (ts[i] as { word: string }).word : '';
  const names: string[] = [];
  const take = (at: number) => {
    const n = nameAt(ts, at);
    if (n) names.push(n.name);
    return n;
  };
  const after = (word: string, from: number) => {
    for (let j = from; j < ts.length; j++) if (isWord(ts[j], word)) return j + 1;
    return ts.length;
  };
  switch (verb) {
    case 'drop': {
      const schema = isWord(ts[i + 1], 'schema');
      const j = skip(ts, skip(ts, i + 1, 'table', 'view', 'macro', 'function', 'sequence', 'index', 'type', 'schema', 'materialized'), 'if', 'exists');
      for (let n = take(j); n && isPunct(ts[n.next], ','); n = take(n.next + 1));
      if (schema) names.splice(0, names.length, ...names.filter((s) => s === 'main'));
      break;
    }
    case 'alter':
      take(skip(ts, skip(ts, i + 1, 'table', 'view', 'sequence'), 'if', 'exists'));
      // RENAME TO one of our names would impersonate it.
      if (ts.some((t, k) => k > i && isWord(t, 'rename'))) take(after('to', i));
      break;
    case 'create': {
      let j = skip(ts, i + 1, 'or', 'replace', 'temp', 'temporary', 'persistent', 'unique');
      const index = isWord(ts[j], 'index');
      j = skip(ts, skip(ts, j, 'table', 'view', 'macro', 'function', 'sequence', 'index', 'type'), 'if', 'not', 'exists');
      take(j);
      if (index) take(after('on', j));
      break;
    }
    case 'insert':
      take(after('into', i));
      break;
    case 'merge':
      take(skip(ts, i + 1, 'into'));
      break;
    case 'update':
      take(i + 1);
      break;
    case 'delete':
    case 'truncate':
      take(skip(ts, i + 1, 'from', 'table'));
      break;
    case 'copy':
      // COPY table FROM file writes the table; COPY … TO only reads.
      if (ts.some((t, k) => k > i && isWord(t, 'from'))) take(i + 1);
      break;
    case 'comment':
      take(skip(ts, skip(ts, i + 1, 'on'), 'table', 'view', 'column'));
      break;
    case 'prepare': {
      // PREPARE p AS <statement>: judged as the statement it will run.
      const inner = targetsOf(ts.slice(after('as', i)));
      return inner && { verb: inner.verb, names: inner.names };
    }
    default:
      return null;
  }
  return { verb, names };
}

/** Why the console refuses `sql`, or null when it touches only the analyst's own objects. */
export function protectedObjectRefusal(sql: string): string | null {
  const targets = writeTargets(sql);
  const hit = targets?.names.find((n) => n === 'main' || isRedzoneObject(n));
  if (!targets || !hit) return null;
  const action = { drop: 'dropped', alter: 'altered', create: 'created or replaced' }[targets.verb] ?? 'written';
  return `"${hit}" is ${hit === 'main' ? "the schema holding Redzone's own objects" : REDZONE_VIEWS.includes(hit) ? "one of Redzone's own views" : "one of Redzone's own tables"} and cannot be ${action} from the console: every view (Map, Anomalies, Streams) reads it, and re-importing would not bring lost rows back. ${insteadOf(hit)} Your own tables and views (any other name) are yours to change, e.g. CREATE TABLE my_players AS SELECT … FROM ${REDZONE_VIEWS.includes(hit) ? hit : 'playlog'}.`;
}

function insteadOf(name: string): string {
  if (name.startsWith('lake_') || REDZONE_VIEWS.includes(name)) return 'To remove imported data, forget its files in Sources; to add data, import files there.';
  if (name.startsWith('s3_')) return 'S3 sources and their sync state are managed in Sources.';
  return "To change Redzone's records (runs, verdicts, zones, history), use the app's own commands: delete a run, change a verdict, edit a zone.";
}
