import { describe, expect, it } from 'vitest';
import type { InboxItem, InboxNotice } from '../../../shared/api/inbox.ts';
import { NoticeGrouper } from '../../../electron/inbox/notices.ts';

const item = (id: number, kind: InboxItem['kind'] = 'player'): InboxItem => ({
  id,
  kind,
  ref: String(1000 + id),
  title: `Player ${1000 + id}`,
  detail: 'flagged by rules: red zone',
  createdAt: '',
  seen: false,
});

describe('NoticeGrouper', () => {
  it('sends the first at once, groups what follows within the gap, one notice per kind', async () => {
    const sent: InboxNotice[] = [];
    const grouper = new NoticeGrouper((n) => sent.push(n), 80);
    grouper.add([item(1)]);
    expect(sent).toEqual([
      { kind: 'player', count: 1, title: 'New flagged player 1001', body: 'flagged by rules: red zone', target: { view: 'anomalies', ref: '1001' } },
    ]);
    grouper.add([item(2)]);
    grouper.add([item(3), item(4), item(5, 'incident')]);
    expect(sent).toHaveLength(2); // the incident is its own kind: not held back by the players' gap
    expect(sent[1]).toMatchObject({ kind: 'incident', count: 1, target: { view: 'streams' } });
    await new Promise((r) => setTimeout(r, 120));
    expect(sent).toHaveLength(3);
    expect(sent[2]).toMatchObject({ kind: 'player', count: 3, title: '3 new flagged players', body: '1002, 1003, 1004', target: { view: 'anomalies' } });
  });

  it('flushAll sends what waits', () => {
    const sent: InboxNotice[] = [];
    const grouper = new NoticeGrouper((n) => sent.push(n), 60_000);
    grouper.add([item(1)]);
    grouper.add([item(2), item(3)]);
    grouper.flushAll();
    expect(sent.map((n) => n.count)).toEqual([1, 2]);
  });
});
