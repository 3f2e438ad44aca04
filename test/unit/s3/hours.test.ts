import { describe, expect, it } from 'vitest';
import { eventTimeWindow, listingPrefixes, normalizePrefix, parseHour, parseHourRange } from '../../../electron/s3/hours.ts';

describe('hours', () => {
  it('parses YYYY-MM-DDTHH as UTC and refuses anything else with the field named', () => {
    expect(parseHour('2018-10-09T05', 'from')).toBe(Date.UTC(2018, 9, 9, 5));
    expect(() => parseHour('2018-10-09', 'from')).toThrow(/"from" must be an hour as YYYY-MM-DDTHH/);
    expect(() => parseHour('2018-02-30T00', 'to')).toThrow(/"to" is not a real hour/);
    expect(() => parseHourRange('2018-10-09T05', '2018-10-09T04')).toThrow(/before "from"/);
    expect(() => parseHourRange('2000-01-01T00', '2018-10-09T04')).toThrow(/longer than/);
  });

  it('lists hour prefixes plus the hour after the range', () => {
    expect(listingPrefixes(['playlog/'], parseHourRange('2018-10-09T22', '2018-10-09T23'))).toEqual([
      'playlog/2018/10/09/22/',
      'playlog/2018/10/09/23/',
      'playlog/2018/10/10/00/',
    ]);
  });

  it('lists one prefix per whole day, and per prefix', () => {
    expect(listingPrefixes(['playlog', '/userlog/'], parseHourRange('2018-10-09T00', '2018-10-10T23'))).toEqual([
      'playlog/2018/10/09/',
      'playlog/2018/10/10/',
      'playlog/2018/10/11/00/',
      'userlog/2018/10/09/',
      'userlog/2018/10/10/',
      'userlog/2018/10/11/00/',
    ]);
    // A day whose last hour is the hour after the range is still listed whole: fewer requests, same objects.
    expect(listingPrefixes(['p/'], parseHourRange('2018-12-31T00', '2018-12-31T22'))).toEqual(['p/2018/12/31/']);
    expect(listingPrefixes(['p/'], parseHourRange('2018-12-31T05', '2018-12-31T23'))).toHaveLength(20);
  });

  it('keeps rows from the first hour up to the end of the last one', () => {
    const w = eventTimeWindow(parseHourRange('2018-10-09T00', '2018-10-09T23'));
    expect(w.from.toISOString()).toBe('2018-10-09T00:00:00.000Z');
    expect(w.to.toISOString()).toBe('2018-10-10T00:00:00.000Z');
  });

  it('normalizes prefixes to one trailing slash', () => {
    expect(normalizePrefix('playlog')).toBe('playlog/');
    expect(normalizePrefix('/a/b//')).toBe('a/b/');
    expect(normalizePrefix('')).toBe('');
  });
});
