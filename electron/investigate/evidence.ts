import { ApiError } from '../../shared/api/envelope.ts';
import type { RuleSettings, Zone } from '../../shared/api/investigate.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { ledgerFingerprint } from './mapCache.ts';
import { tableExists } from './sqlUtil.ts';
import { inAnyZoneSql, listZones, zoneIdSql } from './zones.ts';

/**
 * Rule evidence per player, from the play log: forbidden-zone entries and dwell time, teleports (one
 * step longer than the threshold), and the longest run of consecutive moving steps above the maximum
 * speed. Computed in three passes so the expensive part stays small: one GROUP BY over every row, then
 * windowed passes over only the players that have zone rows or fast steps at all. Kept in
 * `rz_player_evidence` until the play log, the zones or the settings change.
 */

export async function ruleSettings(ws: Workspace): Promise<RuleSettings> {
  const r = (await ws.db.runAndReadAll('SELECT teleport_step, max_speed, speed_steps, min_anomalous_rows FROM rz_rule_settings WHERE id = 1')).getRowObjectsJS()[0];
  return { teleportStep: Number(r.teleport_step), maxSpeed: Number(r.max_speed), speedSteps: Number(r.speed_steps), minAnomalousRows: Number(r.min_anomalous_rows) };
}

export async function saveRuleSettings(ws: Workspace, patch: Partial<RuleSettings>): Promise<RuleSettings> {
  const next = { ...(await ruleSettings(ws)), ...patch };
  const positive = (v: unknown, name: string) => {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new ApiError('BAD_REQUEST', `${name} must be a number > 0`);
  };
  const whole = (v: unknown, name: string) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ApiError('BAD_REQUEST', `${name} must be a whole number ≥ 1`);
  };
  positive(next.teleportStep, 'teleportStep');
  positive(next.maxSpeed, 'maxSpeed');
  whole(next.speedSteps, 'speedSteps');
  whole(next.minAnomalousRows, 'minAnomalousRows');
  await ws.db.run('UPDATE rz_rule_settings SET teleport_step = $1, max_speed = $2, speed_steps = $3, min_anomalous_rows = $4 WHERE id = 1', [
    next.teleportStep,
    next.maxSpeed,
    next.speedSteps,
    next.minAnomalousRows,
  ]);
  return next;
}

const SESSION_GAP_SECONDS = 900;
const STEP = 'sqrt((posnewx - posoldx) ^ 2 + (posnewy - posoldy) ^ 2)';

/** The statements that rebuild rz_player_evidence (inside the caller's transaction). */
export function evidenceSql(zones: readonly Zone[], s: RuleSettings): string[] {
  const inZone = inAnyZoneSql(zones, 'posnewx', 'posnewy');
  const zoneId = zoneIdSql(zones, 'posnewx', 'posnewy');
  const order = 'PARTITION BY pidx ORDER BY createdate, idx';
  return [
    `CREATE OR REPLACE TEMP TABLE rz_ev_base AS
     SELECT pidx, count(*) AS rows, max(step) AS longest_step,
       count(*) FILTER (step > ${s.teleportStep}) AS teleports,
       coalesce(max(step) FILTER (step <= ${s.teleportStep}), 0) AS fastest_speed,
       count(*) FILTER (step > ${s.maxSpeed}) AS fast_steps,
       count(*) FILTER (in_zone) AS zone_rows,
       min(createdate) AS first_seen, max(createdate) AS last_seen
     FROM (SELECT pidx, createdate, ${STEP} AS step, ${inZone} AS in_zone FROM playlog)
     GROUP BY pidx`,
    // Entries: an event in a zone whose previous event was elsewhere. Dwell: time between consecutive
    // events in the same zone, gaps over 15 minutes excepted (the player was logged off, not walking about).
    `CREATE OR REPLACE TEMP TABLE rz_ev_zone AS
     SELECT pidx,
       count(*) FILTER (zone IS NOT NULL AND zone IS DISTINCT FROM prev_zone) AS zone_entries,
       coalesce(sum(dt) FILTER (zone IS NOT NULL AND zone = prev_zone AND dt <= ${SESSION_GAP_SECONDS}), 0) AS dwell_seconds,
       list(DISTINCT zone) FILTER (zone IS NOT NULL) AS zone_ids
     FROM (
       SELECT pidx, zone, lag(zone) OVER w AS prev_zone, epoch(createdate - lag(createdate) OVER w) AS dt
       FROM (SELECT pidx, createdate, idx, ${zoneId} AS zone FROM playlog WHERE pidx IN (SELECT pidx FROM rz_ev_base WHERE zone_rows > 0))
       WINDOW w AS (${order}))
     GROUP BY pidx`,
    // Runs of fast moving steps: islands between slow ones (standing still does not break a run).
    `CREATE OR REPLACE TEMP TABLE rz_ev_speed AS
     SELECT pidx, max(n) AS fast_run FROM (
       SELECT pidx, grp, count(*) FILTER (fast) AS n FROM (
         SELECT pidx, step > ${s.maxSpeed} AS fast, count(*) FILTER (step <= ${s.maxSpeed}) OVER (${order} ROWS UNBOUNDED PRECEDING) AS grp
         FROM (SELECT pidx, createdate, idx, ${STEP} AS step FROM playlog WHERE pidx IN (SELECT pidx FROM rz_ev_base WHERE fast_steps > 0))
         WHERE step > 0)
       GROUP BY ALL)
     GROUP BY pidx`,
    'DELETE FROM rz_player_evidence',
    `INSERT INTO rz_player_evidence
     SELECT b.pidx, b.rows, coalesce(z.zone_entries, 0), coalesce(z.dwell_seconds, 0),
       coalesce(list_transform(z.zone_ids, id -> id::VARCHAR), []),
       b.longest_step, b.fastest_speed, b.teleports, coalesce(s.fast_run, 0), b.first_seen, b.last_seen
     FROM rz_ev_base b LEFT JOIN rz_ev_zone z USING (pidx) LEFT JOIN rz_ev_speed s USING (pidx)`,
    'DROP TABLE rz_ev_base',
    'DROP TABLE rz_ev_zone',
    'DROP TABLE rz_ev_speed',
  ];
}

/** What the evidence depends on (the lake's ledger, zones, settings); a change in any of it means recomputing. */
async function fingerprint(ws: Workspace, zones: readonly Zone[], s: RuleSettings): Promise<string> {
  return JSON.stringify({ lake: await ledgerFingerprint(ws), zones: zones.map((z) => [z.id, z.x0, z.x1, z.y0, z.y1]), s: [s.teleportStep, s.maxSpeed, s.speedSteps] });
}

const pending = new WeakMap<Workspace, Promise<void>>();

/**
 * Makes rz_player_evidence current (no-op when its fingerprint matches). Concurrent callers share one
 * rebuild; the rebuild is one transaction, so readers see the old evidence or the new, never half.
 */
export async function ensureEvidence(ws: Workspace): Promise<void> {
  if (!(await tableExists(ws, 'playlog'))) return;
  const running = pending.get(ws);
  if (running) return running;
  const work = (async () => {
    const zones = await listZones(ws);
    const settings = await ruleSettings(ws);
    const fp = await fingerprint(ws, zones, settings);
    const have = (await ws.db.runAndReadAll('SELECT fingerprint FROM rz_evidence_meta WHERE id = 1')).getRows()[0]?.[0];
    if (have === fp) return;
    const started = Date.now();
    const conn = await ws.connect();
    try {
      await conn.run('BEGIN TRANSACTION');
      try {
        for (const sql of evidenceSql(zones, settings)) await conn.run(sql);
        await conn.run('INSERT OR REPLACE INTO rz_evidence_meta VALUES (1, $1, now()::TIMESTAMP, $2)', [fp, Date.now() - started]);
        await conn.run('COMMIT');
      } catch (e) {
        await conn.run('ROLLBACK').catch(() => {});
        throw e;
      }
    } finally {
      conn.closeSync();
    }
  })();
  pending.set(ws, work);
  try {
    await work;
  } finally {
    pending.delete(ws);
  }
}
