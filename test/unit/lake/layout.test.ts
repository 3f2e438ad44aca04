import { describe, expect, it } from 'vitest';
import { firehoseFolder, firehoseObjectName, hiveFolder, parsePartition, parseStream } from '../../../electron/lake/layout.ts';

describe('lake layout', () => {
  const uuid = '8094da6a-08ec-4c70-a698-5a6db003121d';
  it('reads the Firehose hour folder, written the way the generator writes it', () => {
    const p = { year: 2018, month: 10, day: 12, hour: 5 };
    const rel = `playlog/${firehoseFolder(p)}${firehoseObjectName('playlog', 2, new Date('2018-10-12T05:59:59Z'), uuid)}.gz`;
    expect(rel).toBe(`playlog/2018/10/12/05/playlog-2-2018-10-12-05-59-59-${uuid}.gz`);
    expect(parsePartition(rel)).toEqual(p);
    expect(parseStream(rel)).toBe('playlog');
  });

  it('reads Hive folders and, without folders, the arrival time in a Firehose object name', () => {
    expect(parsePartition(`userlog/${hiveFolder({ year: 2018, month: 10, day: 3, hour: 23 })}part-00000.csv`)).toEqual({
      year: 2018,
      month: 10,
      day: 3,
      hour: 23,
    });
    expect(parsePartition(`x/playlog-1-2018-10-11-07-00-15-${uuid}`)).toEqual({ year: 2018, month: 10, day: 11, hour: 7 });
    expect(parsePartition('playlog/misc/file.json')).toBeNull();
    expect(parsePartition('playlog/2018/13/40/99/file.json')).toBeNull();
  });

  it('takes the stream from the nearest path segment that names one', () => {
    expect(parseStream('userlog-exports/playlog/a.json')).toBe('playlog');
    expect(parseStream('playlog/2018/10/12/05/userlog-1-x')).toBe('userlog');
    expect(parseStream('data/2018/a.json')).toBeNull();
  });
});
