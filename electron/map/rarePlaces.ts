import type { RarePlaces, ZoneSuggestion } from '../../shared/api/map.ts';
import type { Zone } from '../../shared/api/investigate.ts';
import { readColumns } from '../workspace/columns.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Workspace } from '../workspace/workspace.ts';
import { withConnection } from '../workspace/db.ts';
import { ensureEvidence } from '../investigate/evidence.ts';
import { placeCellSql, type PlaceGrid } from '../investigate/playerTable.ts';
import { listZones } from '../investigate/zones.ts';
import { tableExists } from '../investigate/sqlUtil.ts';
import { suggestZones, type CellSuggestion } from './suggestZones.ts';
import { mapExtent } from './queries.ts';

/**
 * The rare-places layer on the player profile's grid (playerTable.ts lays it): the rare cells as
 * columns, and suggested zones from the players' private cells. A cell is *private* when at most a
 * quarter of the rare bound (at least 2) distinct players were in it: on the demo's 400 players that is
 * "one or two", which a zone walker's patch meets and the ragged edge of honest coverage mostly does not.
 */
export async function rarePlaces(ws: Workspace): Promise<RarePlaces> {
  const playlog = await tableExists(ws, 'playlog');
  if (playlog) await ensureEvidence(ws);
  const zones = await listZones(ws);
  const decimals = (await mapExtent(ws))?.decimals ?? 0;
  // A connection of its own: a streamed result must not share one with concurrent requests.
  return withConnection(ws, (conn) => (playlog ? layer(conn, zones, decimals) : none(conn)));
}

async function none(conn: DuckDBConnection): Promise<RarePlaces> {
  return { grid: null, cells: await readColumns(await conn.stream('SELECT 0::DOUBLE AS x, 0::DOUBLE AS y, 0 AS players WHERE false')), suggestions: [] };
}

async function layer(conn: DuckDBConnection, zones: readonly Zone[], decimals: number): Promise<RarePlaces> {
  const row = (await conn.runAndReadAll('SELECT x0, y0, cell, rare_players FROM rz_place_grid')).getRowObjectsJS()[0];
  if (!row) return none(conn);
  const g: PlaceGrid = { x0: Number(row.x0), y0: Number(row.y0), cell: Number(row.cell), rarePlayers: Number(row.rare_players) };
  const cells = await readColumns(
    await conn.stream(
      `SELECT ${g.x0}::DOUBLE + cx * ${g.cell}::DOUBLE AS x, ${g.y0}::DOUBLE + cy * ${g.cell}::DOUBLE AS y, players FROM rz_place_cell WHERE players <= ${g.rarePlayers} ORDER BY cx, cy`,
    ),
  );
  const privateMax = Math.max(2, Math.ceil(g.rarePlayers / 4));
  const ok = 'isfinite(posnewx) AND isfinite(posnewy) AND abs(posnewx) < 1e12 AND abs(posnewy) < 1e12';
  const visits = (
    await conn.runAndReadAll(
      `SELECT pidx, cx, cy, count(*) AS n FROM (SELECT pidx, ${placeCellSql('posnewx', 'posnewy', g)} FROM playlog WHERE ${ok})
       SEMI JOIN (SELECT cx, cy FROM rz_place_cell WHERE players <= ${privateMax}) USING (cx, cy) GROUP BY ALL`,
    )
  )
    .getRows()
    .map(([pidx, cx, cy, n]) => ({ pidx: Number(pidx), cx: Number(cx), cy: Number(cy), rows: Number(n) }));
  const suggestions: ZoneSuggestion[] = [];
  // Ask for a few more than shown: patches inside declared zones drop out.
  for (const s of suggestZones(visits, { limit: 5 + zones.length })) {
    const z = toMap(s, g, decimals);
    if (zones.some((d) => overlapShare(z, d) >= 0.5)) continue;
    const neighbourPlayers = await ringMedian(conn, s);
    suggestions.push({ ...z, cells: s.cells, rows: s.rows, players: s.players, neighbourPlayers, reason: reasonOf(s, neighbourPlayers) });
    if (suggestions.length === 5) break;
  }
  return { grid: g, cells, suggestions };
}

/** Cell rectangle to map units, rounded outward to the positions' precision (as zone edits are). */
function toMap(s: CellSuggestion, g: PlaceGrid, decimals: number) {
  const f = 10 ** decimals;
  const down = (v: number) => Math.floor(v * f) / f;
  const up = (v: number) => Math.ceil(v * f) / f;
  return { x0: down(g.x0 + s.cx0 * g.cell), x1: up(g.x0 + s.cx1 * g.cell), y0: down(g.y0 + s.cy0 * g.cell), y1: up(g.y0 + s.cy1 * g.cell) };
}

/** Share of rectangle a's area inside zone b. */
function overlapShare(a: Pick<Zone, 'x0' | 'x1' | 'y0' | 'y1'>, b: Zone): number {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  return (w * h) / Math.max((a.x1 - a.x0) * (a.y1 - a.y0), 1e-12);
}

/** Median players of the visited cells in a two-cell ring around the patch's rectangle. */
async function ringMedian(conn: DuckDBConnection, s: CellSuggestion): Promise<number> {
  const r = await conn.runAndReadAll(
    `SELECT coalesce(median(players), 0) FROM rz_place_cell
     WHERE cx BETWEEN ${s.cx0 - 2} AND ${s.cx1 + 1} AND cy BETWEEN ${s.cy0 - 2} AND ${s.cy1 + 1}
       AND NOT (cx BETWEEN ${s.cx0} AND ${s.cx1 - 1} AND cy BETWEEN ${s.cy0} AND ${s.cy1 - 1})`,
  );
  return Math.round(Number(r.getRows()[0][0]));
}

function reasonOf(s: CellSuggestion, around: number): string {
  const who =
    s.players.length === 1
      ? `1 player (#${s.players[0]})`
      : `${s.players.length} players (${s.players
          .slice(0, 5)
          .map((p) => `#${p}`)
          .join(', ')}${s.players.length > 5 ? ', …' : ''})`;
  return `${who} dwelt ${s.rows} rows over ${s.cells} rare cells; cells around: ~${around} players`;
}
