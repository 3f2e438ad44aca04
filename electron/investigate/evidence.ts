import { RULE_FIELDS, type LearnedRules, type RuleField, type RuleSettings, type Zone } from '../../shared/api/investigate.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Workspace } from '../workspace/workspace.ts';
import { ledgerFingerprint } from '../map/cache.ts';
import { effectiveRules } from './calibrate.ts';
import { rebuildPlayerTable, updatePlayerTable, type PlayerTableBasis } from './playerTable.ts';
import { isoTime, tableExists } from './sqlUtil.ts';
import { listZones } from './zones.ts';
import { withConnection } from '../workspace/db.ts';
import { requireInteger, requireNumber } from '../../shared/api/validate.ts';

/**
 * Rule evidence per player, from the play log: forbidden-zone entries and dwell time, teleports (one
 * step longer than the threshold), and the longest run of consecutive moving steps above the maximum
 * speed, with thresholds learned from the population unless the analyst set them (calibrate.ts).
 * Built with the player profiles (playerTable.ts) and kept until the play log, the zones or the
 * analyst's settings change; when the play log only gained files, only their players are recomputed.
 */

async function manualSettings(ws: Workspace): Promise<{ manual: RuleSettings; overrides: RuleField[] }> {
  const r = (
    await ws.db.runAndReadAll('SELECT teleport_step, max_speed, speed_steps, min_anomalous_rows, overrides FROM rz_rule_settings WHERE id = 1')
  ).getRowObjectsJS()[0];
  return {
    manual: {
      teleportStep: Number(r.teleport_step),
      maxSpeed: Number(r.max_speed),
      speedSteps: Number(r.speed_steps),
      minAnomalousRows: Number(r.min_anomalous_rows),
    },
    overrides: ((r.overrides as string[] | null) ?? []).filter((f): f is RuleField => (RULE_FIELDS as readonly string[]).includes(f)),
  };
}

async function learnedRules(ws: Workspace): Promise<LearnedRules | null> {
  const r = (await ws.db.runAndReadAll('SELECT * FROM rz_rule_learned WHERE id = 1')).getRowObjectsJS()[0];
  if (!r) return null;
  return {
    teleportStep: Number(r.teleport_step),
    maxSpeed: Number(r.max_speed),
    speedSteps: Number(r.speed_steps),
    sessionGap: Number(r.session_gap),
    honestStepP999: Number(r.honest_step_p999),
    honestMaxStep: Number(r.honest_max_step),
    players: Number(r.players),
    computedAt: isoTime(r.computed_at),
  };
}

/** The settings in force: learned from the play log except the fields the analyst set (call ensureEvidence first for current ones). */
export async function ruleSettings(ws: Workspace): Promise<RuleSettings> {
  const { manual, overrides } = await manualSettings(ws);
  return effectiveRules(manual, overrides, await learnedRules(ws));
}

/** Sets thresholds by hand: each field given becomes an override of the learned value. */
export async function saveRuleSettings(ws: Workspace, patch: Partial<RuleSettings>): Promise<RuleSettings> {
  const { manual, overrides } = await manualSettings(ws);
  const picked: Partial<RuleSettings> = {};
  for (const k of [...RULE_FIELDS, 'minAnomalousRows'] as const) if (patch[k] !== undefined) picked[k] = patch[k];
  const next = { ...manual, ...picked };
  const positive = (v: unknown, name: string) => requireNumber(v, name, { above: 0 });
  const whole = (v: unknown, name: string) => requireInteger(v, name, { min: 1 });
  positive(next.teleportStep, 'teleportStep');
  positive(next.maxSpeed, 'maxSpeed');
  whole(next.speedSteps, 'speedSteps');
  whole(next.minAnomalousRows, 'minAnomalousRows');
  const nextOverrides = [...new Set([...overrides, ...RULE_FIELDS.filter((k) => patch[k] !== undefined)])];
  await ws.db.run(
    'UPDATE rz_rule_settings SET teleport_step = $1, max_speed = $2, speed_steps = $3, min_anomalous_rows = $4, overrides = from_json($5, \'["VARCHAR"]\') WHERE id = 1',
    [next.teleportStep, next.maxSpeed, next.speedSteps, next.minAnomalousRows, JSON.stringify(nextOverrides)],
  );
  await ensureEvidence(ws);
  return ruleSettings(ws);
}

/** Drops every override (or the given ones): the thresholds follow the data again. */
export async function learnRuleSettings(ws: Workspace, fields: readonly RuleField[] = RULE_FIELDS): Promise<RuleSettings> {
  const { overrides } = await manualSettings(ws);
  await ws.db.run('UPDATE rz_rule_settings SET overrides = from_json($1, \'["VARCHAR"]\') WHERE id = 1', [
    JSON.stringify(overrides.filter((f) => !fields.includes(f))),
  ]);
  await ensureEvidence(ws);
  return ruleSettings(ws);
}

/** What the evidence depends on besides the play log: zones and the analyst's overrides. */
async function settingsFingerprint(ws: Workspace, zones: readonly Zone[]): Promise<string> {
  const { manual, overrides } = await manualSettings(ws);
  const set = overrides.map((k) => [k, manual[k]]);
  return JSON.stringify({ v: 2, zones: zones.map((z) => [z.id, z.x0, z.y0, z.x1, z.y1]), set });
}

/** The play log grows this much past what the rules were learned from before they are learned again. */
const RELEARN_GROWTH = 0.25;

interface Basis {
  settings: string;
  afterFileId: number;
  files: number;
  rows: number;
  learnedRows: number;
  medianGap: number | null;
}

async function readBasis(conn: DuckDBConnection): Promise<Basis | null> {
  const r = (await conn.runAndReadAll('SELECT * FROM rz_evidence_basis WHERE id = 1')).getRowObjectsJS()[0];
  if (!r) return null;
  const n = (v: unknown) => Number(v);
  return {
    settings: String(r.settings),
    afterFileId: n(r.after_file_id),
    files: n(r.files),
    rows: n(r.rows),
    learnedRows: n(r.learned_rows),
    medianGap: r.median_gap === null ? null : n(r.median_gap),
  };
}

/** The ledger up to a file id: how many files and rows (any change to an old file shows in one of them). */
async function ledgerUpTo(conn: DuckDBConnection, fileId: number | null): Promise<{ maxFileId: number; files: number; rows: number; playRows: number }> {
  const r = (
    await conn.runAndReadAll(
      `SELECT coalesce(max(file_id), 0), count(*), coalesce(sum(rows), 0), coalesce(sum(rows) FILTER (stream = 'playlog'), 0) FROM lake_file${fileId === null ? '' : ` WHERE file_id <= ${fileId}`}`,
    )
  ).getRows()[0];
  return { maxFileId: Number(r[0]), files: Number(r[1]), rows: Number(r[2]), playRows: Number(r[3]) };
}

/**
 * When the lake only gained files since the last full pass (same zones and overrides, old files as they
 * were, learned rules present) and the play log has not grown by RELEARN_GROWTH, the new files' players
 * are enough to recompute; otherwise everything is (and the rules are learned again).
 */
async function incrementalFrom(conn: DuckDBConnection, settings: string, learned: boolean, playRows: number): Promise<Basis | null> {
  const basis = await readBasis(conn);
  if (!basis || basis.settings !== settings || !learned) return null;
  const old = await ledgerUpTo(conn, basis.afterFileId);
  if (old.files !== basis.files || old.rows !== basis.rows) return null;
  return playRows <= (1 + RELEARN_GROWTH) * basis.learnedRows ? basis : null;
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
    const { manual, overrides } = await manualSettings(ws);
    const settings = await settingsFingerprint(ws, zones);
    const fp = JSON.stringify({ settings, lake: await ledgerFingerprint(ws) });
    const have = (await ws.db.runAndReadAll('SELECT fingerprint FROM rz_evidence_meta WHERE id = 1')).getRows()[0]?.[0];
    if (have === fp) return;
    const started = Date.now();
    const learned = await learnedRules(ws);
    await withConnection(ws, async (conn) => {
      // The passes read the files up to the newest now; a file landing meanwhile is the next call's
      // (the fingerprint stored is the one computed before the pass, so it will not match).
      const ledger = await ledgerUpTo(conn, null);
      const since = await incrementalFrom(conn, settings, learned !== null, ledger.playRows);
      const commit = async (fresh: boolean, basis: PlayerTableBasis) => {
        if (fresh) {
          await conn.run('DELETE FROM rz_evidence_basis');
          await conn.run('INSERT INTO rz_evidence_basis VALUES (1, $1, 0, 0, 0, $2, $3)', [settings, ledger.playRows, basis.medianGap]);
        }
        // The basis now covers every file up to the newest the pass read.
        await conn.run('UPDATE rz_evidence_basis SET after_file_id = $1, files = $2, rows = $3', [ledger.maxFileId, ledger.files, ledger.rows]);
        await conn.run('INSERT OR REPLACE INTO rz_evidence_meta VALUES (1, $1, now()::TIMESTAMP, $2)', [fp, Date.now() - started]);
      };
      if (since) {
        const basis = { rules: effectiveRules(manual, overrides, learned), medianGap: since.medianGap };
        await updatePlayerTable(conn, zones, basis, since.afterFileId, { upTo: ledger.maxFileId, commit: (b) => commit(false, b) });
      } else await rebuildPlayerTable(conn, zones, manual, overrides, { upTo: ledger.maxFileId, commit: (b) => commit(true, b) });
    });
  })();
  pending.set(ws, work);
  try {
    await work;
  } finally {
    pending.delete(ws);
  }
}
