import { noticeTitle, type InboxItem, type InboxKind, type InboxNotice } from '../../shared/api/inbox.ts';

/**
 * Turns inbox items into notifications, never one per row: items of a kind that arrive within `gapMs`
 * of the last notice of that kind wait and go out together ("3 new flagged players").
 */
export class NoticeGrouper {
  private pending = new Map<InboxKind, InboxItem[]>();
  private lastAt = new Map<InboxKind, number>();
  private timers = new Map<InboxKind, NodeJS.Timeout>();

  constructor(
    private emit: (notice: InboxNotice) => void,
    private gapMs: number,
    private now: () => number = Date.now,
  ) {}

  add(items: InboxItem[]): void {
    for (const item of items) {
      const list = this.pending.get(item.kind) ?? [];
      list.push(item);
      this.pending.set(item.kind, list);
    }
    for (const kind of new Set(items.map((i) => i.kind))) this.schedule(kind);
  }

  private schedule(kind: InboxKind): void {
    if (this.timers.has(kind)) return;
    const wait = (this.lastAt.get(kind) ?? -Infinity) + this.gapMs - this.now();
    if (wait <= 0) return this.flush(kind);
    const timer = setTimeout(() => {
      this.timers.delete(kind);
      this.flush(kind);
    }, wait);
    timer.unref?.();
    this.timers.set(kind, timer);
  }

  private flush(kind: InboxKind): void {
    const items = this.pending.get(kind) ?? [];
    this.pending.delete(kind);
    if (items.length === 0) return;
    this.lastAt.set(kind, this.now());
    this.emit(groupNotice(kind, items));
  }

  /** Sends whatever is waiting now (a follow that stops still tells). */
  flushAll(): void {
    for (const [kind, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(kind);
    }
    for (const kind of [...this.pending.keys()]) this.flush(kind);
  }
}

export function groupNotice(kind: InboxKind, items: InboxItem[]): InboxNotice {
  const view = kind === 'player' ? 'anomalies' : 'streams';
  if (items.length === 1) return { kind, count: 1, title: noticeTitle(kind, 1, items[0].ref), body: items[0].detail, target: { view, ref: items[0].ref } };
  const shown = items
    .slice(0, 5)
    .map((i) => i.ref)
    .join(', ');
  return { kind, count: items.length, title: noticeTitle(kind, items.length), body: `${shown}${items.length > 5 ? ', …' : ''}`, target: { view } };
}
