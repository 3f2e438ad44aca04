import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCell,
  formatCellNumber,
  formatClock,
  formatCount,
  formatDuration,
  formatNumber,
  formatTimeSeconds,
  formatTimestamp,
} from '../../../shared/format.ts';

describe('shared formatting', () => {
  it('formats grid numbers bare and prose numbers with separators', () => {
    expect([1234567, 0.1 + 0.2, -3, NaN].map(formatCellNumber)).toEqual(['1234567', '0.3', '-3', 'NaN']);
    expect([1234567, 0.12345, null, 'x'].map((v) => formatNumber(v))).toEqual(['1,234,567', '0.123', '', 'x']);
    expect([formatCount(1, 'row'), formatCount(1_200_000, 'row'), formatCount(0, 'row')]).toEqual(['1 row', '1,200,000 rows', '0 rows']);
  });
  it('formats timestamps to the microsecond, and never throws on a value no Date holds', () => {
    expect(formatTimestamp(Date.UTC(2018, 9, 12, 5, 53, 59, 318) + 0.123)).toBe('2018-10-12 05:53:59.318123');
    expect(formatTimestamp(Date.UTC(2018, 9, 12, 5, 53, 59))).toBe('2018-10-12 05:53:59');
    expect(formatTimestamp(Date.UTC(2018, 9, 12, 5, 53, 59, 500))).toBe('2018-10-12 05:53:59.5');
    expect(formatTimestamp(NaN)).toBe('NaN');
    expect(formatTimestamp(1e300)).toBe('1e+300');
    expect(formatTimeSeconds(Date.UTC(2018, 9, 12, 5, 53, 59, 999))).toBe('2018-10-12 05:53:59');
    expect(formatTimeSeconds(NaN)).toBe('NaN');
  });
  it('says how a grid cell aligns', () => {
    expect([null, 2.5, true, 'a'].map(formatCell)).toEqual([
      { text: 'NULL', cls: 'null' },
      { text: '2.5', cls: 'num' },
      { text: 'true', cls: 'num' },
      { text: 'a', cls: '' },
    ]);
  });

  it('formats sizes and durations one way for the CLI and the views', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(3.5 * 1024 ** 3)]).toEqual(['512 B', '1.5 KB', '3.5 GB']);
    expect([formatClock(14), formatClock(3725)]).toEqual(['0:14', '1:02:05']);
    expect([formatDuration(0.4), formatDuration(61.4), formatDuration(600), formatDuration(7200)]).toEqual(['1 s', '62 s', '10 min', '2.0 h']);
  });
});
