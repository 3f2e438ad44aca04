/**
 * The lake's tables and views.
 *
 * Tables (owned here): `lake_file` is the ledger (one row per imported object: identity, version,
 * counts, status); `lake_playlog_data` / `lake_userlog_data` hold the rows with their partition
 * (year, month, day, hour — from the object's path, else from event time) and `file_id`;
 * `lake_quarantine` keeps every rejected line with file, line number, reason and the raw text.
 * A row's `source` (the object's ledger key: local path, or S3 key for synced objects) is the
 * ledger's, joined in by the views: storing the string on every row made the import ~1.4× slower
 * (v2 dropped it).
 *
 * Views (the contract other capabilities read):
 *  - `playlog`: row_id BIGINT (unique, assigned at import and never changed by importing other
 *    files), posnewx…posoldz DOUBLE, pidx INTEGER, idx BIGINT, action INTEGER, createdate TIMESTAMP,
 *    year/month/day/hour SMALLINT, source VARCHAR.
 *  - `userlog`: the whole user-log history (row_id, pidx, uclass, ulevel, utimestamp, partition, source).
 *  - `userprofile`: the latest userlog row per pidx (pidx, uclass, ulevel, utimestamp).
 *  - `gamelog`: playlog joined with userprofile (uclass, ulevel), as the lab's Glue job did.
 *  - `movement`: playlog plus `step` (distance from posold to posnew) and `dt_seconds` (seconds since
 *    the player's previous event, NULL for the first), over pidx ordered by createdate, idx.
 */
import type { SchemaComponent } from '../workspace/schema.ts';
import { quoteLiteral } from '../workspace/sqlText.ts';

/** v1's per-row columns; v2 dropped `source` (the views join it from the ledger). */
const partitionAndSource = `year SMALLINT NOT NULL, month SMALLINT NOT NULL, day SMALLINT NOT NULL, hour SMALLINT NOT NULL, source VARCHAR NOT NULL, file_id INTEGER NOT NULL`;

/**
 * The lake's views as they are now; recreated on every open (a migration that changes one changes this too).
 * userprofile is each player's newest profile (latest utimestamp, then level, then row): an arg_max
 * GROUP BY rather than a window, 2-3× faster over the lab's 518k profile rows, and every flagged list joins it.
 */
const LAKE_VIEWS = `CREATE OR REPLACE VIEW playlog AS
     SELECT d.row_id, d.posnewx, d.posnewy, d.posnewz, d.posoldx, d.posoldy, d.posoldz, d.pidx, d.idx, d.action, d.createdate,
       d.year, d.month, d.day, d.hour, f.key AS source
     FROM lake_playlog_data d JOIN lake_file f USING (file_id);
   CREATE OR REPLACE VIEW userlog AS
     SELECT d.row_id, d.pidx, d.uclass, d.ulevel, d.utimestamp, d.year, d.month, d.day, d.hour, f.key AS source
     FROM lake_userlog_data d JOIN lake_file f USING (file_id);
   CREATE OR REPLACE VIEW userprofile AS
     SELECT pidx, m.uclass, m.ulevel, m.utimestamp FROM (
       SELECT pidx, arg_max({'uclass': uclass, 'ulevel': ulevel, 'utimestamp': utimestamp}, (utimestamp, ulevel, row_id)) AS m
       FROM lake_userlog_data GROUP BY pidx);
   CREATE OR REPLACE VIEW gamelog AS
     SELECT p.*, u.uclass, u.ulevel FROM playlog p LEFT JOIN userprofile u ON u.pidx = p.pidx;
   CREATE OR REPLACE VIEW movement AS
     SELECT *,
       sqrt((posnewx - posoldx) ^ 2 + (posnewy - posoldy) ^ 2) AS step,
       epoch(createdate - lag(createdate) OVER w) AS dt_seconds
     FROM playlog
     WINDOW w AS (PARTITION BY pidx ORDER BY createdate, idx);`;

export const lakeSchema: SchemaComponent = {
  name: 'lake',
  views: LAKE_VIEWS,
  migrations: [
    `CREATE SEQUENCE lake_file_seq;
     CREATE SEQUENCE lake_row_seq;
     CREATE TABLE lake_file (
       file_id INTEGER NOT NULL,
       key VARCHAR NOT NULL,
       path VARCHAR NOT NULL,
       stream VARCHAR NOT NULL,
       format VARCHAR NOT NULL,
       compression VARCHAR NOT NULL,
       size BIGINT NOT NULL,
       mtime TIMESTAMP,
       version VARCHAR NOT NULL,
       window_from TIMESTAMP,
       window_to TIMESTAMP,
       records BIGINT NOT NULL,
       rows BIGINT NOT NULL,
       quarantined BIGINT NOT NULL,
       outside BIGINT NOT NULL,
       status VARCHAR NOT NULL,
       imported_at TIMESTAMP NOT NULL
     );
     CREATE TABLE lake_playlog_data (
       row_id BIGINT NOT NULL,
       posnewx DOUBLE NOT NULL, posnewy DOUBLE NOT NULL, posnewz DOUBLE NOT NULL,
       posoldx DOUBLE NOT NULL, posoldy DOUBLE NOT NULL, posoldz DOUBLE NOT NULL,
       pidx INTEGER NOT NULL, idx BIGINT NOT NULL, action INTEGER NOT NULL, createdate TIMESTAMP NOT NULL,
       ${partitionAndSource}
     );
     CREATE TABLE lake_userlog_data (
       row_id BIGINT NOT NULL,
       pidx INTEGER NOT NULL, uclass VARCHAR NOT NULL, ulevel INTEGER NOT NULL, utimestamp TIMESTAMP NOT NULL,
       ${partitionAndSource}
     );
     CREATE TABLE lake_quarantine (file_id INTEGER NOT NULL, source VARCHAR NOT NULL, line BIGINT NOT NULL, reason VARCHAR NOT NULL, raw VARCHAR);
     CREATE VIEW playlog AS
       SELECT row_id, posnewx, posnewy, posnewz, posoldx, posoldy, posoldz, pidx, idx, action, createdate, year, month, day, hour, source
       FROM lake_playlog_data;
     CREATE VIEW userlog AS
       SELECT row_id, pidx, uclass, ulevel, utimestamp, year, month, day, hour, source FROM lake_userlog_data;
     CREATE VIEW userprofile AS
       SELECT pidx, uclass, ulevel, utimestamp FROM lake_userlog_data
       QUALIFY row_number() OVER (PARTITION BY pidx ORDER BY utimestamp DESC, ulevel DESC, row_id DESC) = 1;
     CREATE VIEW gamelog AS
       SELECT p.*, u.uclass, u.ulevel FROM playlog p LEFT JOIN userprofile u ON u.pidx = p.pidx;
     CREATE VIEW movement AS
       SELECT *,
         sqrt((posnewx - posoldx) ^ 2 + (posnewy - posoldy) ^ 2) AS step,
         epoch(createdate - lag(createdate) OVER w) AS dt_seconds
       FROM playlog
       WINDOW w AS (PARTITION BY pidx ORDER BY createdate, idx);`,
    `CREATE OR REPLACE VIEW playlog AS
       SELECT d.row_id, d.posnewx, d.posnewy, d.posnewz, d.posoldx, d.posoldy, d.posoldz, d.pidx, d.idx, d.action, d.createdate,
         d.year, d.month, d.day, d.hour, f.key AS source
       FROM lake_playlog_data d JOIN lake_file f USING (file_id);
     CREATE OR REPLACE VIEW userlog AS
       SELECT d.row_id, d.pidx, d.uclass, d.ulevel, d.utimestamp, d.year, d.month, d.day, d.hour, f.key AS source
       FROM lake_userlog_data d JOIN lake_file f USING (file_id);
     ALTER TABLE lake_playlog_data DROP COLUMN source;
     ALTER TABLE lake_userlog_data DROP COLUMN source;`,
  ],
};

/** A ledger row for rows written straight into the data tables (benchmarks and tests that synthesise a lake). */
export function syntheticFileSql(fileId: number, key: string): string {
  return `INSERT INTO lake_file (file_id, key, path, stream, format, compression, size, version, records, rows, quarantined, outside, status, imported_at)
    VALUES (${fileId}, ${quoteLiteral(key)}, '', 'playlog', 'json', 'none', 0, 'synthetic', 0, 0, 0, 0, 'loaded', now()::TIMESTAMP)`;
}
