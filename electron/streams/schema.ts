import type { SchemaComponent } from '../workspace/schema.ts';

/**
 * Stream definitions, scored runs, every scored window, and the analyst's marks. Marks belong to a
 * stream's (key, window), not to a run, so re-scoring keeps them. Version 2: each key's streaming
 * forest as the latest run left it (rz_stream_state, see continuation.ts), and how a run was last scored.
 * Version 3: runs scored by the thresholded detector, each window's grade, and the incidents.
 */
export const streamsSchema: SchemaComponent = {
  name: 'streams',
  migrations: [
    `CREATE TABLE rz_stream (
       name VARCHAR PRIMARY KEY,
       definition JSON NOT NULL,
       updated_at TIMESTAMP NOT NULL
     );
     CREATE TABLE rz_stream_run (
       id VARCHAR PRIMARY KEY,
       stream VARCHAR NOT NULL,
       created_at TIMESTAMP NOT NULL,
       definition JSON NOT NULL,
       forest JSON NOT NULL,
       threshold JSON NOT NULL,
       cutoff DOUBLE NOT NULL,
       score_mean DOUBLE NOT NULL,
       score_sd DOUBLE NOT NULL,
       keys INTEGER NOT NULL,
       windows BIGINT NOT NULL,
       scored_windows BIGINT NOT NULL,
       elapsed_ms DOUBLE NOT NULL
     );
     CREATE TABLE rz_stream_window (
       run_id VARCHAR NOT NULL,
       key VARCHAR NOT NULL,
       window_start TIMESTAMP NOT NULL,
       measures DOUBLE[] NOT NULL,
       score DOUBLE,
       attribution DOUBLE[]
     );
     CREATE TABLE rz_stream_mark (
       stream VARCHAR NOT NULL,
       key VARCHAR NOT NULL,
       window_start TIMESTAMP NOT NULL,
       verdict VARCHAR NOT NULL CHECK (verdict IN ('true_positive', 'false_positive')),
       note VARCHAR,
       marked_at TIMESTAMP NOT NULL,
       PRIMARY KEY (stream, key, window_start)
     );
     CREATE TABLE rz_stream_quarantine (
       table_name VARCHAR NOT NULL,
       file VARCHAR NOT NULL,
       line BIGINT NOT NULL,
       text VARCHAR,
       reason VARCHAR NOT NULL,
       imported_at TIMESTAMP NOT NULL
     );`,
    `CREATE TABLE rz_stream_state (
       stream VARCHAR NOT NULL,
       key VARCHAR NOT NULL,
       run_id VARCHAR NOT NULL,
       basis JSON NOT NULL,
       first_window TIMESTAMP NOT NULL,
       learned BIGINT NOT NULL,
       last_window TIMESTAMP NOT NULL,
       history VARCHAR NOT NULL,
       state BLOB NOT NULL,
       saved_at TIMESTAMP NOT NULL,
       PRIMARY KEY (stream, key)
     );
     ALTER TABLE rz_stream_run ADD COLUMN mode VARCHAR DEFAULT 'rescore';
     ALTER TABLE rz_stream_run ADD COLUMN new_windows BIGINT;
     ALTER TABLE rz_stream_run ADD COLUMN continuations INTEGER DEFAULT 0;
     ALTER TABLE rz_stream_run ADD COLUMN rescore_reason VARCHAR;`,
    `ALTER TABLE rz_stream_run ADD COLUMN detector VARCHAR;
     ALTER TABLE rz_stream_window ADD COLUMN grade DOUBLE;
     CREATE TABLE rz_stream_incident (
       run_id VARCHAR NOT NULL,
       key VARCHAR NOT NULL,
       start_window TIMESTAMP NOT NULL,
       end_window TIMESTAMP NOT NULL,
       windows BIGINT NOT NULL,
       peak_grade DOUBLE NOT NULL,
       score DOUBLE NOT NULL,
       actual DOUBLE[] NOT NULL,
       expected DOUBLE[] NOT NULL,
       attribution DOUBLE[] NOT NULL
     );`,
  ],
};
