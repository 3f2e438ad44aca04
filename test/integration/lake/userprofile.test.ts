import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempApp } from '../syntheticLake.ts';
import { syntheticFileSql } from '../../../electron/lake/schema.ts';

/** The userprofile view: each player's newest profile row, ties broken by the higher level, then the later row. */
describe('userprofile view', () => {
  let temp: Awaited<ReturnType<typeof tempApp>>;
  beforeAll(async () => {
    temp = await tempApp('rz-userprofile-');
    const db = temp.app.services.ws.db;
    await db.run(syntheticFileSql(1, 'userlog/synthetic'));
    // (row_id, pidx, uclass, ulevel, utimestamp)
    await db.run(`INSERT INTO lake_userlog_data
      SELECT row_id, pidx, uclass, ulevel, TIMESTAMP '2018-10-12 05:00:00' + to_minutes(m), 2018, 10, 12, 5, 1 FROM (VALUES
        (1, 7, 'mage', 10, 0), (2, 7, 'warrior', 12, 5), (3, 7, 'healer', 11, 3),
        (4, 8, 'mage', 30, 9), (5, 8, 'warrior', 31, 9),
        (6, 9, 'mage', 40, 2), (7, 9, 'healer', 40, 2)
      ) t(row_id, pidx, uclass, ulevel, m)`);
  }, 30_000);
  afterAll(() => temp.close());

  it('keeps the newest row, then the higher level, then the later row', async () => {
    const rows = (await temp.app.services.ws.db.runAndReadAll('SELECT pidx, uclass, ulevel FROM userprofile ORDER BY pidx')).getRowObjectsJS();
    expect(rows).toEqual([
      { pidx: 7, uclass: 'warrior', ulevel: 12 },
      { pidx: 8, uclass: 'warrior', ulevel: 31 },
      { pidx: 9, uclass: 'healer', ulevel: 40 },
    ]);
  });
});
