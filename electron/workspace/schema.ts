/**
 * Each capability owns its tables and versions them on its own: a component's migrations are SQL
 * scripts applied in order, version = index + 1. Components never collide on version numbers.
 */
export interface SchemaComponent {
  name: string;
  migrations: string[];
  /**
   * The component's views as they are now (CREATE OR REPLACE …), run on every open after the
   * migrations: a view dropped by hand or by an older Redzone comes back by itself.
   */
  views?: string;
}

/** The workspace's own bookkeeping: SQL history, saved queries and settings (v2: rz_setting, e.g. memory_limit), the console's editor tabs (v4). */
export const workspaceSchema: SchemaComponent = {
  name: 'workspace',
  migrations: [
    `CREATE SEQUENCE rz_history_seq;
     CREATE TABLE rz_history (
       id BIGINT PRIMARY KEY DEFAULT nextval('rz_history_seq'),
       sql VARCHAR NOT NULL,
       started_at TIMESTAMP NOT NULL,
       elapsed_ms DOUBLE NOT NULL,
       row_count BIGINT,
       error VARCHAR
     );
     CREATE TABLE rz_saved_query (name VARCHAR PRIMARY KEY, sql VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL);`,
    `CREATE TABLE rz_setting (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);`,
    // How a query ended (ok, failed, cancelled): a cancel was logged as an error.
    `ALTER TABLE rz_history ADD COLUMN status VARCHAR;
     UPDATE rz_history SET status = CASE WHEN error IS NULL THEN 'ok' WHEN error = 'query cancelled' THEN 'cancelled' ELSE 'failed' END;`,
    // The console's editor tabs, in order; one of them is the active one.
    `CREATE TABLE rz_sql_tab (position INTEGER PRIMARY KEY, id VARCHAR NOT NULL UNIQUE, name VARCHAR NOT NULL, sql VARCHAR NOT NULL, active BOOLEAN NOT NULL);`,
  ],
};
