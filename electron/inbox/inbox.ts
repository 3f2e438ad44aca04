import { listValue } from '@duckdb/node-api';
import type { InboxCounts, InboxItem, InboxKind } from '../../shared/api/inbox.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { inTransaction, withConnection } from '../workspace/db.ts';
import { requireOneOf } from '../../shared/api/validate.ts';

export interface InboxEntry {
  ref: string;
  title: string;
  detail: string;
}

const KINDS: readonly InboxKind[] = ['player', 'incident'];

export const inboxKind = (value: unknown): InboxKind => requireOneOf(value, 'kind', KINDS);

/** Refs of this kind not announced (nor known) before. */
async function unknownRefs(ws: Workspace, kind: InboxKind, refs: string[]): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const rows = (
    await ws.db.runAndReadAll('SELECT r FROM unnest($2::VARCHAR[]) AS t(r) WHERE r NOT IN (SELECT ref FROM rz_inbox_known WHERE kind = $1)', [
      kind,
      listValue(refs),
    ])
  ).getRows();
  return new Set(rows.map((r) => String(r[0])));
}

/** Remembers refs as known without announcing them: what was already flagged when following started. */
export async function rememberKnown(ws: Workspace, kind: InboxKind, refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  await ws.db.run('INSERT OR IGNORE INTO rz_inbox_known SELECT $1, unnest($2::VARCHAR[])', [kind, listValue(refs)]);
}

/** Puts the entries not seen before into the inbox (each ref once, ever) and returns them. */
export async function announce(ws: Workspace, kind: InboxKind, entries: InboxEntry[]): Promise<InboxItem[]> {
  const fresh = await unknownRefs(
    ws,
    kind,
    entries.map((e) => e.ref),
  );
  const add = entries.filter((e) => fresh.has(e.ref));
  if (add.length === 0) return [];
  return withConnection(ws, (conn) =>
    inTransaction(conn, async () => {
      await conn.run('INSERT OR IGNORE INTO rz_inbox_known SELECT $1, unnest($2::VARCHAR[])', [kind, listValue(add.map((e) => e.ref))]);
      const rows = (
        await conn.runAndReadAll(
          `INSERT INTO rz_inbox (kind, ref, title, detail, created_at)
           SELECT $1, unnest($2::VARCHAR[]), unnest($3::VARCHAR[]), unnest($4::VARCHAR[]), now()::TIMESTAMP
           RETURNING id, kind, ref, title, detail, created_at, seen`,
          [kind, listValue(add.map((e) => e.ref)), listValue(add.map((e) => e.title)), listValue(add.map((e) => e.detail))],
        )
      ).getRowObjectsJS();
      return rows.map(toItem);
    }),
  );
}

function toItem(r: Record<string, unknown>): InboxItem {
  return {
    id: Number(r.id),
    kind: String(r.kind) as InboxKind,
    ref: String(r.ref),
    title: String(r.title),
    detail: String(r.detail),
    createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : String(r.created_at),
    seen: r.seen === true,
  };
}

export async function listInbox(ws: Workspace, q: { kind?: InboxKind; unseenOnly?: boolean } = {}): Promise<InboxItem[]> {
  const where = [q.kind ? 'kind = $kind' : '', q.unseenOnly ? 'NOT seen' : ''].filter(Boolean);
  const rows = (
    await ws.db.runAndReadAll(
      `SELECT * FROM rz_inbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT 500`,
      q.kind ? { kind: q.kind } : {},
    )
  ).getRowObjectsJS();
  return rows.map(toItem);
}

export async function inboxCounts(ws: Workspace): Promise<InboxCounts> {
  const rows = (await ws.db.runAndReadAll('SELECT kind, count(*) FROM rz_inbox WHERE NOT seen GROUP BY kind')).getRows();
  const counts: InboxCounts = { player: 0, incident: 0 };
  for (const [kind, n] of rows) counts[String(kind) as InboxKind] = Number(n);
  return counts;
}

export async function markSeen(ws: Workspace, kind: InboxKind): Promise<InboxCounts> {
  await ws.db.run('UPDATE rz_inbox SET seen = true WHERE kind = $1 AND NOT seen', [kind]);
  return inboxCounts(ws);
}
