/** One play-log JSON line for hand-made e2e lake files: a player standing still at (i, 1). */
export function playlogLine(i: number, o: { pidx?: number; idx?: number; createdate?: string } = {}): string {
  return JSON.stringify({
    posnewx: i,
    posnewy: 1,
    posnewz: 0,
    posoldx: i,
    posoldy: 1,
    posoldz: 0,
    pidx: o.pidx ?? 5,
    idx: o.idx ?? 90_000_000 + i,
    action: 0,
    createdate: o.createdate ?? '2018-10-14 09:00:00.5',
  });
}
