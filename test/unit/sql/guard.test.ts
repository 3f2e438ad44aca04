import { describe, expect, it } from 'vitest';
import { protectedObjectRefusal, writeTargets } from '../../../electron/workspace/guard.ts';

const refused = [
  'DROP VIEW playlog',
  'drop view if exists "PLAYLOG" cascade',
  'DROP TABLE mine, lake_file',
  'DROP SCHEMA main CASCADE',
  'ALTER TABLE lake_playlog_data DROP COLUMN pidx',
  'ALTER VIEW movement RENAME TO moves',
  'ALTER TABLE mine RENAME TO rz_history',
  'CREATE OR REPLACE VIEW gamelog AS SELECT 1',
  'CREATE TEMP VIEW playlog AS SELECT 1',
  'CREATE INDEX i ON lake_playlog_data (pidx)',
  'INSERT INTO main.lake_file SELECT * FROM lake_file',
  'INSERT OR REPLACE INTO rz_saved_query VALUES (1, 2, 3)',
  'UPDATE s3_source SET bucket = 1',
  'DELETE FROM lake_playlog_data WHERE pidx = 1',
  '/* hi */ delete from "lake_playlog_data"',
  'WITH x AS (SELECT 1) DELETE FROM rz_verdict',
  'TRUNCATE lake_quarantine',
  "COPY lake_file FROM '/tmp/x.csv'",
  'PREPARE p AS DELETE FROM lake_file',
  'COMMENT ON TABLE lake_file IS $$x$$',
  'MERGE INTO rz_zone USING mine ON true WHEN MATCHED THEN DELETE',
];
const allowed = [
  'SELECT * FROM playlog',
  'CREATE TABLE my_players AS SELECT * FROM playlog JOIN lake_file USING (file_id)',
  'CREATE VIEW fast AS SELECT * FROM movement',
  'INSERT INTO mine SELECT * FROM lake_playlog_data',
  'DELETE FROM mine USING lake_file',
  'UPDATE mine SET a = (SELECT max(pidx) FROM playlog)',
  'DROP TABLE mine',
  'DROP SCHEMA scratch CASCADE',
  "COPY (SELECT * FROM lake_file) TO 'x.csv'",
  "COPY lake_file TO 'x.csv'",
  "SELECT 'DROP VIEW playlog' AS text",
  '-- DELETE FROM lake_file\nSELECT 1',
  'WITH x AS (SELECT * FROM lake_file) SELECT * FROM x',
];

describe("the console's guard over Redzone's objects", () => {
  it.each(refused)('refuses %s', (sql) => expect(protectedObjectRefusal(sql)).toMatch(/cannot be .* from the console/));
  it.each(allowed)('allows %s', (sql) => expect(protectedObjectRefusal(sql)).toBeNull());

  it('says why and what to do instead', () => {
    expect(protectedObjectRefusal('DROP VIEW playlog')).toMatch(
      /"playlog" is one of Redzone's own views and cannot be dropped.*forget its files in Sources.*Your own tables/,
    );
    expect(protectedObjectRefusal('DELETE FROM rz_run')).toMatch(/delete a run/);
  });

  it('finds every target of a multi-object DROP', () => {
    expect(writeTargets('DROP TABLE IF EXISTS a, main.b, "C"')).toEqual({ verb: 'drop', names: ['a', 'b', 'C'] });
  });
});
