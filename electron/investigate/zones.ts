import { ApiError } from '../../shared/api/envelope.ts';
import type { Zone } from '../../shared/api/investigate.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { requireNumber } from '../../shared/api/validate.ts';

export async function listZones(ws: Workspace): Promise<Zone[]> {
  const rows = (await ws.db.runAndReadAll('SELECT id, name, x0, x1, y0, y1 FROM rz_zone ORDER BY id')).getRowObjectsJS();
  return rows.map((r) => ({ id: Number(r.id), name: String(r.name), x0: Number(r.x0), x1: Number(r.x1), y0: Number(r.y0), y1: Number(r.y1) }));
}

/** A zone as the analyst drew it, corners in either order; a bad one is refused whole. */
export function checkZone(z: Partial<Zone>): Omit<Zone, 'id'> {
  const name = typeof z.name === 'string' ? z.name.trim() : '';
  if (!name) throw new ApiError('BAD_REQUEST', 'a zone needs a name');
  if (name.length > 200) throw new ApiError('BAD_REQUEST', 'a zone name is at most 200 characters');
  const n = requireNumber;
  const [x0, x1, y0, y1] = [n(z.x0, 'x0'), n(z.x1, 'x1'), n(z.y0, 'y0'), n(z.y1, 'y1')];
  return { name, x0: Math.min(x0, x1), x1: Math.max(x0, x1), y0: Math.min(y0, y1), y1: Math.max(y0, y1) };
}

export async function saveZone(ws: Workspace, z: Partial<Zone>): Promise<Zone> {
  const c = checkZone(z);
  const values = [c.name, c.x0, c.x1, c.y0, c.y1];
  if (z.id === undefined) {
    const r = await ws.db.runAndReadAll(
      'INSERT INTO rz_zone (name, x0, x1, y0, y1, updated_at) VALUES ($1, $2, $3, $4, $5, now()::TIMESTAMP) RETURNING id',
      values,
    );
    return { id: Number(r.getRows()[0][0]), ...c };
  }
  const r = await ws.db.run('UPDATE rz_zone SET name = $1, x0 = $2, x1 = $3, y0 = $4, y1 = $5, updated_at = now()::TIMESTAMP WHERE id = $6', [...values, z.id]);
  if (r.rowsChanged === 0) throw new ApiError('NOT_FOUND', `no zone ${z.id}`);
  return { id: z.id, ...c };
}

export async function deleteZone(ws: Workspace, id: number): Promise<boolean> {
  return (await ws.db.run('DELETE FROM rz_zone WHERE id = $1', [id])).rowsChanged > 0;
}

/** SQL that is true when (x, y) lies in any zone; zone bounds are numbers, written as literals. */
export function inAnyZoneSql(zones: readonly Zone[], x: string, y: string): string {
  if (zones.length === 0) return 'false';
  return `(${zones.map((z) => `(${x} BETWEEN ${z.x0} AND ${z.x1} AND ${y} BETWEEN ${z.y0} AND ${z.y1})`).join(' OR ')})`;
}

/** SQL giving the id of the first zone containing (x, y), NULL outside every zone. */
export function zoneIdSql(zones: readonly Zone[], x: string, y: string): string {
  if (zones.length === 0) return 'NULL::INTEGER';
  return `CASE ${zones.map((z) => `WHEN ${x} BETWEEN ${z.x0} AND ${z.x1} AND ${y} BETWEEN ${z.y0} AND ${z.y1} THEN ${z.id}`).join(' ')} END`;
}
