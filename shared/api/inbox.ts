import type { Method, NoArgs } from './method.ts';

/** What the analyst has not looked at yet: newly flagged players and new stream incidents. */
export type InboxKind = 'player' | 'incident';

export interface InboxItem {
  id: number;
  kind: InboxKind;
  /** The player's pidx, or the incident's id. */
  ref: string;
  title: string;
  detail: string;
  createdAt: string;
  seen: boolean;
}

export interface InboxCounts {
  /** Unseen items per kind: the counts on the Anomalies and Streams tabs. */
  player: number;
  incident: number;
}

/** One grouped, rate-limited notification ("3 new flagged players"). */
export interface InboxNotice {
  kind: InboxKind;
  count: number;
  title: string;
  body: string;
  /** What a click opens: the single player or incident, or the list when several are grouped. */
  target: { view: 'anomalies' | 'streams'; ref?: string };
}

export interface InboxApi {
  'inbox.list': Method<{ kind?: InboxKind; unseenOnly?: boolean }, InboxItem[]>;
  'inbox.counts': Method<NoArgs, InboxCounts>;
  /** "I have looked": marks every item of the kind seen. */
  'inbox.markSeen': Method<{ kind: InboxKind }, InboxCounts>;
}

/** "3 new flagged players" / "New flagged player 1234". */
export function noticeTitle(kind: InboxKind, count: number, ref?: string): string {
  const noun = kind === 'player' ? 'flagged player' : 'stream incident';
  return count === 1 ? `New ${noun}${ref ? ` ${ref}` : ''}` : `${count} new ${noun}s`;
}
