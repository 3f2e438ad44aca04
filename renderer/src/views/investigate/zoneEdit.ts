import type { Zone } from '../../../../shared/api/investigate.ts';

/** Zone editing without surprises: typed bounds validated, corners normalised and said so, undo/redo. */

export type ZoneDraft = { name: string; x0: string; x1: string; y0: string; y1: string };
export type BoundKey = 'x0' | 'x1' | 'y0' | 'y1';
export const BOUNDS: readonly BoundKey[] = ['x0', 'x1', 'y0', 'y1'];

export function roundTo(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

/** A rectangle from any two corners, rounded to the data's precision (a drawn or dragged zone is never 874.2955…). */
export function normalisedBounds(b: { x0: number; x1: number; y0: number; y1: number }, decimals: number): { x0: number; x1: number; y0: number; y1: number } {
  const r = (v: number) => roundTo(v, decimals);
  return { x0: r(Math.min(b.x0, b.x1)), x1: r(Math.max(b.x0, b.x1)), y0: r(Math.min(b.y0, b.y1)), y1: r(Math.max(b.y0, b.y1)) };
}

export type DraftResult = { ok: true; zone: Zone; notice: string | null } | { ok: false; error: string };

/**
 * Checks the editor's text: a name, four numbers, a rectangle with some area. Swapped corners are put
 * in order and the notice says so; values are rounded to `decimals`.
 */
export function checkDraft(id: number, d: ZoneDraft, decimals: number): DraftResult {
  const name = d.name.trim();
  if (!name) return { ok: false, error: 'A zone needs a name.' };
  const n: Partial<Record<BoundKey, number>> = {};
  for (const k of BOUNDS) {
    const text = d[k].trim();
    if (text === '') return { ok: false, error: `${k} is empty: type a number (the saved value is kept until then).` };
    const v = Number(text);
    if (!Number.isFinite(v)) return { ok: false, error: `${k} must be a number, not "${text}".` };
    n[k] = v;
  }
  const b = normalisedBounds(n as Record<BoundKey, number>, decimals);
  if (b.x0 === b.x1 || b.y0 === b.y1) return { ok: false, error: 'A zone needs a width and a height: x0 ≠ x1 and y0 ≠ y1.' };
  const notes: string[] = [];
  if (n.x0! > n.x1!) notes.push(`x0 and x1 swapped (x ${b.x0}–${b.x1})`);
  if (n.y0! > n.y1!) notes.push(`y0 and y1 swapped (y ${b.y0}–${b.y1})`);
  const exact = normalisedBounds(n as Record<BoundKey, number>, 15);
  if (BOUNDS.some((k) => b[k] !== exact[k])) notes.push(`rounded to ${decimals} decimal${decimals === 1 ? '' : 's'}, as the positions are logged`);
  return { ok: true, zone: { id, name, ...b }, notice: notes.length ? `${notes.join('; ')}.` : null };
}

export function draftOf(z: Zone): ZoneDraft {
  return { name: z.name, x0: String(z.x0), x1: String(z.x1), y0: String(z.y0), y1: String(z.y1) };
}

/** A new zone's name: "Zone N" for the first N past the count that no zone has yet. */
export function nextZoneName(zones: readonly Zone[]): string {
  const names = new Set(zones.map((z) => z.name));
  let n = zones.length + 1;
  while (names.has(`Zone ${n}`)) n++;
  return `Zone ${n}`;
}

/** Where zones are stored: the workspace through the API (or anything with the same shape in a test). */
export interface ZoneStore {
  save(z: Omit<Zone, 'id'> & { id?: number }): Promise<Zone>;
  remove(id: number): Promise<void>;
}

/** One edit: a zone before and after (null before: created; null after: deleted). */
interface ZoneEdit {
  before: Zone | null;
  after: Zone | null;
}

/**
 * Undo and redo of zone edits. Undoing a delete recreates the zone, which gets a new id from the
 * workspace; later entries that name the old id are renamed to the new one.
 */
export class ZoneHistory {
  private done: ZoneEdit[] = [];
  private undone: ZoneEdit[] = [];
  constructor(private readonly store: ZoneStore) {}

  get canUndo(): boolean {
    return this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  async create(z: Omit<Zone, 'id'>): Promise<Zone> {
    const made = await this.store.save(z);
    this.push({ before: null, after: made });
    return made;
  }

  async update(before: Zone, after: Zone): Promise<Zone> {
    const saved = await this.store.save(after);
    this.push({ before, after: saved });
    return saved;
  }

  async remove(z: Zone): Promise<void> {
    await this.store.remove(z.id);
    this.push({ before: z, after: null });
  }

  /** Takes back the last edit; returns a line saying what changed, or null when there was none. */
  async undo(): Promise<string | null> {
    const e = this.done.pop();
    if (!e) return null;
    this.undone.push(e); // listed before applying, so a recreated zone's new id reaches this entry too
    try {
      await this.apply(e.after, e.before);
    } catch (err) {
      this.done.push(this.undone.pop()!);
      throw err;
    }
    return `Undone: ${describe(e)}`;
  }

  async redo(): Promise<string | null> {
    const e = this.undone.pop();
    if (!e) return null;
    this.done.push(e);
    try {
      await this.apply(e.before, e.after);
    } catch (err) {
      this.undone.push(this.done.pop()!);
      throw err;
    }
    return `Redone: ${describe(e)}`;
  }

  private push(e: ZoneEdit) {
    this.done.push(e);
    this.undone = [];
  }

  /** Turns the workspace's `from` into `to`. */
  private async apply(from: Zone | null, to: Zone | null): Promise<void> {
    if (to === null) {
      await this.store.remove(from!.id);
      return;
    }
    if (from !== null) {
      await this.store.save(to);
      return;
    }
    const { id: oldId, ...rest } = to;
    const made = await this.store.save(rest);
    for (const e of [...this.done, ...this.undone]) {
      if (e.before?.id === oldId) e.before = { ...e.before, id: made.id };
      if (e.after?.id === oldId) e.after = { ...e.after, id: made.id };
    }
  }
}

function describe(e: ZoneEdit): string {
  if (!e.before) return `added ${e.after!.name}`;
  if (!e.after) return `deleted ${e.before.name}`;
  return `edited ${e.after.name}`;
}
