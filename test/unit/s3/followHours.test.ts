import { describe, expect, it } from 'vitest';
import { backoffMs, hourPrefixes, hourText, HOUR_MS, MAX_CATCH_UP_HOURS, watchedHours } from '../../../electron/s3/followHours.ts';
import { pauseCause } from '../../../electron/s3/follow.ts';
import { ApiError } from '../../../shared/api/envelope.ts';

const T0 = Date.UTC(2018, 9, 9, 10);

describe('watchedHours', () => {
  it('watches the previous and the current hour on a steady tick', () => {
    expect(watchedHours(T0 - HOUR_MS, T0 + 5 * 60_000).map(hourText)).toEqual(['2018-10-09T09', '2018-10-09T10']);
    // A watermark ahead of the clock (a clock put back) still watches the two hours.
    expect(watchedHours(T0 + 3 * HOUR_MS, T0).map(hourText)).toEqual(['2018-10-09T09', '2018-10-09T10']);
  });

  it('catches up from the watermark after a sleep, in bounded steps', () => {
    expect(watchedHours(T0 - 5 * HOUR_MS, T0).map(hourText)).toEqual([
      '2018-10-09T05',
      '2018-10-09T06',
      '2018-10-09T07',
      '2018-10-09T08',
      '2018-10-09T09',
      '2018-10-09T10',
    ]);
    const long = watchedHours(T0 - 1000 * HOUR_MS, T0);
    expect(long).toHaveLength(MAX_CATCH_UP_HOURS);
    expect(long[0]).toBe(T0 - 1000 * HOUR_MS);
  });

  it('makes one hour prefix per Firehose prefix and hour, across a day boundary', () => {
    const hours = watchedHours(Date.UTC(2018, 9, 9, 23), Date.UTC(2018, 9, 10, 0, 1));
    expect(hourPrefixes(['playlog', 'userlog/'], hours)).toEqual([
      'playlog/2018/10/09/23/',
      'playlog/2018/10/10/00/',
      'userlog/2018/10/09/23/',
      'userlog/2018/10/10/00/',
    ]);
  });
});

describe('back-off and pause causes', () => {
  it('doubles from the interval and stops at the cap', () => {
    expect([1, 2, 3, 4, 10].map((f) => backoffMs(200, f))).toEqual([200, 400, 800, 1600, 6400]);
    expect(backoffMs(60_000, 20)).toBe(15 * 60_000);
  });

  it('tells credentials from the network', () => {
    expect(pauseCause(new ApiError('NO_CREDENTIALS', 'The AWS credentials from profile "x" have expired'))).toBe('credentials');
    expect(pauseCause(new ApiError('S3_ERROR', 'Cannot reach S3 at http://127.0.0.1:1 (ECONNREFUSED)'))).toBe('network');
    expect(pauseCause(new ApiError('S3_ERROR', 'The bucket "b" does not exist'))).toBe('other');
  });
});
