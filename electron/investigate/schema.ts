import type { SchemaComponent } from '../workspace/schema.ts';

/**
 * The analyst's own state, never touched by import, sync or scoring (so it survives all three):
 *  - `rz_zone`: forbidden zones (rectangles), seeded with the lab's red zone;
 *  - `rz_rule_settings`: the rule-evidence thresholds (one row);
 *  - `rz_verdict`: the current verdict per player, with note, time and the run it was made on;
 *  - `rz_player_evidence`: per-player rule evidence computed from the play log, a cache rebuilt when
 *    its fingerprint (play-log rows, zones, settings) changes;
 *  - `rz_map_*`: the map's cache of positions (electron/map/cache.ts; the tables stay in this component's migrations, where workspaces already have them);
 *  - `rz_verdict_history`: every change of a verdict or note, with the evidence shown at the time
 *    (verdictHistory.ts), so a ban can be audited and a changed verdict traced.
 *  - `rz_rule_learned`, `rz_player_profile` (view `player_profile`), `rz_place_*`: rules learned from the
 *    population, one profile per player and the rare-places grid, rebuilt with the evidence (playerTable.ts);
 *  - `rz_evidence_basis`: what the last full pass of the player table covered and learned, so follow
 *    mode's new files recompute only their players (evidence.ts);
 *  - `rz_player_run(_meta)`: per run, each player's row-score aggregates and player-forest score, so
 *    the flagged list never groups the run's row scores again (playerForest.ts).
 */
export const investigateSchema: SchemaComponent = {
  name: 'investigate',
  migrations: [
    `CREATE SEQUENCE rz_zone_seq;
     CREATE TABLE rz_zone (
       id INTEGER PRIMARY KEY DEFAULT nextval('rz_zone_seq'),
       name VARCHAR NOT NULL,
       x0 DOUBLE NOT NULL, x1 DOUBLE NOT NULL, y0 DOUBLE NOT NULL, y1 DOUBLE NOT NULL,
       updated_at TIMESTAMP NOT NULL,
       CHECK (x0 <= x1 AND y0 <= y1)
     );
     INSERT INTO rz_zone (name, x0, x1, y0, y1, updated_at) VALUES ('Red zone', 1000, 1200, 0, 400, now()::TIMESTAMP);
     CREATE TABLE rz_rule_settings (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       teleport_step DOUBLE NOT NULL,
       max_speed DOUBLE NOT NULL,
       speed_steps INTEGER NOT NULL,
       min_anomalous_rows INTEGER NOT NULL
     );
     INSERT INTO rz_rule_settings VALUES (1, 200, 10, 5, 1);
     CREATE TABLE rz_verdict (
       pidx INTEGER PRIMARY KEY,
       verdict VARCHAR NOT NULL CHECK (verdict IN ('ban', 'false-positive', 'review')),
       note VARCHAR NOT NULL,
       decided_at TIMESTAMP NOT NULL,
       run_id INTEGER
     );
     CREATE TABLE rz_player_evidence (
       pidx INTEGER PRIMARY KEY,
       rows BIGINT NOT NULL,
       zone_entries BIGINT NOT NULL,
       dwell_seconds DOUBLE NOT NULL,
       zones VARCHAR[] NOT NULL,
       longest_step DOUBLE NOT NULL,
       fastest_speed DOUBLE NOT NULL,
       teleports BIGINT NOT NULL,
       fast_run BIGINT NOT NULL,
       first_seen TIMESTAMP NOT NULL,
       last_seen TIMESTAMP NOT NULL
     );
     CREATE TABLE rz_evidence_meta (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint VARCHAR NOT NULL, computed_at TIMESTAMP NOT NULL, elapsed_ms DOUBLE NOT NULL);`,
    // The map's derived positions (electron/map/cache.ts): fine-grid counts and band-sorted points.
    `CREATE TABLE rz_map_meta (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint VARCHAR NOT NULL, cell DOUBLE, x0 DOUBLE, y0 DOUBLE);
     CREATE TABLE rz_map_cells (cx INTEGER NOT NULL, cy INTEGER NOT NULL, n BIGINT NOT NULL);
     CREATE TABLE rz_map_xy (x DOUBLE NOT NULL, y DOUBLE NOT NULL);`,
    // One verdict spelling (false_positive, as stream alerts spell it) and the audit trail. Today's
    // verdicts enter the history as they stand, so every current verdict has at least one entry.
    `CREATE TABLE rz_verdict_v2 (
       pidx INTEGER PRIMARY KEY,
       verdict VARCHAR NOT NULL CHECK (verdict IN ('ban', 'false_positive', 'review')),
       note VARCHAR NOT NULL,
       decided_at TIMESTAMP NOT NULL,
       run_id INTEGER
     );
     INSERT INTO rz_verdict_v2 SELECT pidx, replace(verdict, '-', '_'), note, decided_at, run_id FROM rz_verdict;
     DROP TABLE rz_verdict;
     ALTER TABLE rz_verdict_v2 RENAME TO rz_verdict;
     CREATE SEQUENCE rz_verdict_history_seq;
     CREATE TABLE rz_verdict_history (
       id BIGINT PRIMARY KEY DEFAULT nextval('rz_verdict_history_seq'),
       pidx INTEGER NOT NULL,
       action VARCHAR NOT NULL CHECK (action IN ('set', 'note', 'clear', 'undo')),
       verdict VARCHAR CHECK (verdict IN ('ban', 'false_positive', 'review')),
       note VARCHAR NOT NULL,
       changed_at TIMESTAMP NOT NULL,
       run_id INTEGER,
       evidence VARCHAR
     );
     INSERT INTO rz_verdict_history (pidx, action, verdict, note, changed_at, run_id, evidence)
       SELECT pidx, 'set', verdict, note, decided_at, run_id, NULL FROM rz_verdict ORDER BY decided_at, pidx;`,
    // Issue #18: learned rules, one profile row per player (playerTable.ts), the player forest's scores per run.
    // No DEFAULT []: DuckDB 1.5 cannot replay that ALTER from its WAL after a crash (the workspace would not open).
    `ALTER TABLE rz_rule_settings ADD COLUMN overrides VARCHAR[];
     UPDATE rz_rule_settings SET overrides = [];
     CREATE TABLE rz_rule_learned (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       teleport_step DOUBLE NOT NULL, max_speed DOUBLE NOT NULL, speed_steps INTEGER NOT NULL, session_gap DOUBLE NOT NULL,
       honest_step_p999 DOUBLE NOT NULL, honest_max_step DOUBLE NOT NULL, players BIGINT NOT NULL, computed_at TIMESTAMP NOT NULL
     );
     CREATE TABLE rz_player_profile (
       pidx INTEGER PRIMARY KEY, rows BIGINT NOT NULL, sessions BIGINT NOT NULL, active_hours DOUBLE NOT NULL, events_per_hour DOUBLE NOT NULL,
       session_hours DOUBLE NOT NULL, step_p50 DOUBLE, step_p95 DOUBLE, step_max DOUBLE, speed_p95 DOUBLE, teleports BIGINT NOT NULL,
       fast_run BIGINT NOT NULL, timing_cv DOUBLE, rare_share DOUBLE, zone_share DOUBLE NOT NULL, zone_seconds DOUBLE NOT NULL,
       area_cells BIGINT NOT NULL, loop_share DOUBLE, straight_share DOUBLE, straight_run BIGINT NOT NULL, level_share DOUBLE
     );
     CREATE TABLE rz_place_grid (id INTEGER PRIMARY KEY CHECK (id = 1), x0 DOUBLE NOT NULL, y0 DOUBLE NOT NULL, cell DOUBLE NOT NULL, rare_players INTEGER NOT NULL);
     CREATE TABLE rz_place_cell (cx INTEGER NOT NULL, cy INTEGER NOT NULL, players INTEGER NOT NULL, rows BIGINT NOT NULL);
     CREATE TABLE rz_player_run (
       run_id INTEGER NOT NULL, pidx INTEGER NOT NULL, anomalous_rows BIGINT, max_score DOUBLE, mean_score DOUBLE, excess DOUBLE,
       score DOUBLE, shares DOUBLE[], PRIMARY KEY (run_id, pidx)
     );
     CREATE TABLE rz_player_run_meta (
       run_id INTEGER PRIMARY KEY, row_cut DOUBLE, player_cut DOUBLE, features VARCHAR[] NOT NULL, medians DOUBLE[] NOT NULL, spreads DOUBLE[] NOT NULL,
       elapsed_ms DOUBLE NOT NULL
     );
     CREATE VIEW player_profile AS
       SELECT p.*, r.score AS player_score, r.anomalous_rows, r.max_score AS max_row_score
       FROM rz_player_profile p
       LEFT JOIN rz_player_run r ON r.pidx = p.pidx AND r.run_id = (SELECT max(run_id) FROM rz_player_run_meta);`,
    // Issue #15: incremental player table.
    `CREATE TABLE rz_evidence_basis (
       id INTEGER PRIMARY KEY CHECK (id = 1), settings VARCHAR NOT NULL, after_file_id INTEGER NOT NULL, files BIGINT NOT NULL,
       rows BIGINT NOT NULL, learned_rows BIGINT NOT NULL, median_gap DOUBLE
     );`,
    // Issue #15: the player forest kept with its run, so follow mode scores changed players with it.
    `ALTER TABLE rz_player_run_meta ADD COLUMN model BLOB;`,
  ],
};
