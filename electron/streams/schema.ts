import type { SchemaComponent } from '../workspace/schema.ts';

/**
 * Stream definitions, scored runs, every scored window, and the analyst's marks. Marks belong to a
 * stream's (key, window), not to a run, so re-scoring keeps them.
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
  ],
};
