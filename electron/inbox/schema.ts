import type { SchemaComponent } from '../workspace/schema.ts';

/**
 * The analyst's inbox (inbox.ts): `rz_inbox` holds what follow mode found (newly flagged players, new
 * stream incidents) until it is seen; `rz_inbox_known` is everything ever announced or already known
 * when following started, so nothing is announced twice.
 */
export const inboxSchema: SchemaComponent = {
  name: 'inbox',
  migrations: [
    `CREATE SEQUENCE rz_inbox_seq;
     CREATE TABLE rz_inbox (
       id INTEGER PRIMARY KEY DEFAULT nextval('rz_inbox_seq'),
       kind VARCHAR NOT NULL CHECK (kind IN ('player', 'incident')),
       ref VARCHAR NOT NULL,
       title VARCHAR NOT NULL,
       detail VARCHAR NOT NULL,
       created_at TIMESTAMP NOT NULL,
       seen BOOLEAN NOT NULL DEFAULT false
     );
     CREATE TABLE rz_inbox_known (kind VARCHAR NOT NULL, ref VARCHAR NOT NULL, PRIMARY KEY (kind, ref));`,
  ],
};
