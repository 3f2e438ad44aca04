import type { SchemaComponent } from '../workspace/schema.ts';

/**
 * Scoring runs and their scores. A run's row and its scores are written in one transaction, so a
 * workspace killed mid-run holds either the whole run or nothing of it.
 *  - `rz_score_run`: one row per run: parameters, seed, feature columns, score statistics, the current
 *    cut-off (re-cutting changes only this) and the serialized forest.
 *  - `rz_score`: one row per scored row, keyed by `row_id` (playlog's stable row key when the run is
 *    keyed by the play log, else the row's ordinal in the query), with `pidx` when the features carry it.
 */
export const scoringSchema: SchemaComponent = {
  name: 'scoring',
  migrations: [
    `CREATE SEQUENCE rz_score_run_seq;
     CREATE TABLE rz_score_run (
       run_id INTEGER PRIMARY KEY,
       created_at TIMESTAMP NOT NULL,
       features VARCHAR NOT NULL,
       query VARCHAR NOT NULL,
       feature_columns VARCHAR[] NOT NULL,
       keyed_by_playlog BOOLEAN NOT NULL,
       trees INTEGER NOT NULL,
       samples INTEGER NOT NULL,
       seed BIGINT NOT NULL,
       rows BIGINT NOT NULL,
       mean DOUBLE NOT NULL,
       sd DOUBLE NOT NULL,
       min DOUBLE NOT NULL,
       max DOUBLE NOT NULL,
       cutoff VARCHAR NOT NULL,
       cutoff_value DOUBLE NOT NULL,
       elapsed_ms DOUBLE NOT NULL,
       model BLOB NOT NULL
     );
     CREATE TABLE rz_score (run_id INTEGER NOT NULL, row_id BIGINT NOT NULL, pidx INTEGER, score DOUBLE NOT NULL);`,
    // Live scoring (live.ts): per run, where its training rows end and the last row scored live since.
    `CREATE TABLE rz_live_score (run_id INTEGER PRIMARY KEY, train_last_row_id BIGINT NOT NULL, last_row_id BIGINT NOT NULL, live_rows BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL);`,
    // Per run, its count of rows at or above a cut-off, with the cut-off and live row count it was taken at (runs.ts).
    `CREATE TABLE rz_run_flagged (run_id INTEGER PRIMARY KEY, cut DOUBLE NOT NULL, live_rows BIGINT NOT NULL, n BIGINT NOT NULL);`,
  ],
};
