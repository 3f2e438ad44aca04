import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from '../../../renderer/src/lib/route.ts';

describe('URL hash routes', () => {
  const at = (r: Partial<Route> & Pick<Route, 'view'>): Route => ({ player: null, stream: null, ...r });

  it('names the view, the open player and the stream', () => {
    expect(formatRoute(at({ view: 'sql' }))).toBe('#/sql');
    expect(formatRoute(at({ view: 'anomalies', player: 237 }))).toBe('#/anomalies/player/237');
    expect(formatRoute(at({ view: 'streams', stream: 'toll per station/2' }))).toBe('#/streams/toll%20per%20station%2F2');
    // A player or stream belongs to its own view only.
    expect(formatRoute(at({ view: 'map', player: 237, stream: 'toll' }))).toBe('#/map');
  });

  it('reads back what it writes', () => {
    for (const r of [at({ view: 'sources' }), at({ view: 'anomalies', player: 0 }), at({ view: 'streams', stream: 'a/b ü' }), at({ view: 'map' })]) {
      expect(parseRoute(formatRoute(r))).toEqual(r);
    }
  });

  it('ignores what it does not know', () => {
    expect(parseRoute('')).toBeNull();
    expect(parseRoute('#/nowhere')).toBeNull();
    expect(parseRoute('#/anomalies/player/x')).toEqual(at({ view: 'anomalies' }));
    expect(parseRoute('#/streams/%E0%A4%A')).toEqual(at({ view: 'streams' }));
    expect(parseRoute('#sql')).toEqual(at({ view: 'sql' }));
  });
});
