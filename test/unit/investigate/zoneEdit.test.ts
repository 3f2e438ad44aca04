import { describe, expect, it } from 'vitest';
import type { Zone } from '../../../shared/api/investigate.ts';
import { checkDraft, normalisedBounds, ZoneHistory, type ZoneStore } from '../../../renderer/src/views/investigate/zoneEdit.ts';

/** An in-memory zone table with the workspace's id behaviour (a new row gets the next id). */
function memoryStore(): ZoneStore & { zones: Map<number, Zone> } {
  const zones = new Map<number, Zone>();
  let next = 1;
  return {
    zones,
    async save(z) {
      const id = z.id ?? next++;
      const saved = { ...z, id } as Zone;
      zones.set(id, saved);
      return saved;
    },
    async remove(id) {
      zones.delete(id);
    },
  };
}

describe('zone editor', () => {
  const draft = (x0: string, x1: string, y0 = '0', y1 = '400') => ({ name: 'Red zone', x0, x1, y0, y1 });

  it('refuses empty or non-numeric bounds with a message, keeping the saved zone', () => {
    expect(checkDraft(1, draft('', '1200'), 0)).toEqual({ ok: false, error: expect.stringMatching(/x0 is empty/) });
    expect(checkDraft(1, draft('abc', '1200'), 0)).toEqual({ ok: false, error: expect.stringMatching(/x0 must be a number/) });
    expect(checkDraft(1, draft('1000', '1000'), 0)).toEqual({ ok: false, error: expect.stringMatching(/width and a height/) });
    expect(checkDraft(1, { ...draft('1', '2'), name: ' ' }, 0)).toEqual({ ok: false, error: 'A zone needs a name.' });
  });

  it('puts swapped corners in order and says so; rounds to the data precision', () => {
    const swapped = checkDraft(1, draft('5000', '1200'), 0);
    expect(swapped).toMatchObject({
      ok: true,
      zone: { x0: 1200, x1: 5000, y0: 0, y1: 400 },
      notice: expect.stringMatching(/x0 and x1 swapped \(x 1200–5000\)/),
    });
    const rounded = checkDraft(1, draft('874.2955', '1200'), 0);
    expect(rounded).toMatchObject({ ok: true, zone: { x0: 874 }, notice: expect.stringMatching(/rounded to 0 decimals/) });
    expect(checkDraft(1, draft('1000', '1200'), 0)).toMatchObject({ ok: true, notice: null });
    expect(normalisedBounds({ x0: 10.26, x1: 2.04, y0: 5, y1: 1 }, 1)).toEqual({ x0: 2, x1: 10.3, y0: 1, y1: 5 });
  });

  it('undoes and redoes creating, editing and deleting, also across the new id of a recreated zone', async () => {
    const store = memoryStore();
    const h = new ZoneHistory(store);
    const red = await h.create({ name: 'Red', x0: 1000, x1: 1200, y0: 0, y1: 400 });
    await h.update(red, { ...red, x1: 1300 });
    expect(store.zones.get(red.id)!.x1).toBe(1300);
    await h.remove(store.zones.get(red.id)!);
    expect(store.zones.size).toBe(0);

    expect(await h.undo()).toBe('Undone: deleted Red');
    const [recreated] = store.zones.values();
    expect(recreated).toMatchObject({ name: 'Red', x1: 1300 });
    expect(recreated.id).not.toBe(red.id);
    expect(await h.undo()).toBe('Undone: edited Red');
    expect(store.zones.get(recreated.id)!.x1).toBe(1200);
    expect(await h.undo()).toBe('Undone: added Red');
    expect(store.zones.size).toBe(0);
    expect(await h.undo()).toBeNull();

    await h.redo();
    await h.redo();
    const [again] = store.zones.values();
    expect(again).toMatchObject({ name: 'Red', x1: 1300 });
    await h.redo();
    expect(store.zones.size).toBe(0);
    expect(h.canRedo).toBe(false);
  });
});
