import { describe, expect, it } from 'vitest';
import { generateClickstream } from '../../../electron/streams/generate/clickstream.ts';
import { generateSeries } from '../../../electron/streams/generate/series.ts';
import { generateToll } from '../../../electron/streams/generate/toll.ts';

describe('demo stream generators', () => {
  it('writes toll lines as date,toll,user without a header, deterministic per seed', () => {
    const a = generateToll({ seed: 3 });
    expect(a.text).toBe(generateToll({ seed: 3 }).text);
    expect(a.text).not.toBe(generateToll({ seed: 4 }).text);
    const first = a.text.split('\n')[0];
    expect(first).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6},\d+,user\d+$/);
    expect(a.text.split('\n').filter(Boolean)).toHaveLength(a.lines);
    expect(a.planted.length).toBeGreaterThan(0);
    expect(a.planted.every((p) => p.kind === 'hot-station')).toBe(true);
  });

  it('routes almost all traffic through the planted station', () => {
    const { text, planted } = generateToll();
    const w = planted[0].windowStart;
    const counts = new Map<string, number>();
    for (const line of text.split('\n').filter(Boolean)) {
      const [date, toll] = line.split(',');
      const t = Date.parse(date.replace(' ', 'T').slice(0, 23) + 'Z');
      if (t >= w && t < w + 10_000) counts.set(toll, (counts.get(toll) ?? 0) + 1);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(counts.get(planted[0].key)! / total).toBeGreaterThan(0.75);
  });

  it('writes clickstream JSON lines with a burst of clicks in the planted windows', () => {
    const { text, planted } = generateClickstream();
    const events = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { browseraction: string; site: string; time: string });
    expect(Object.keys(events[0]).sort()).toEqual(['browseraction', 'site', 'time']);
    const clicksIn = (site: string, from: number) =>
      events.filter((e) => e.site === site && e.browseraction === 'Click' && Date.parse(e.time) >= from && Date.parse(e.time) < from + 10_000).length;
    const p = planted[0];
    expect(clicksIn(p.key, p.windowStart)).toBeGreaterThan(3 * clicksIn(p.key, p.windowStart - 60_000) + 10);
  });

  it('writes a timestamp,value series with a header and spikes above every normal value', () => {
    const { text, planted } = generateSeries();
    const [header, ...rows] = text.split('\n').filter(Boolean);
    expect(header).toBe('timestamp,value');
    const values = rows.map((r) => Number(r.split(',')[1]));
    const spikes = new Set(planted.map((p) => new Date(p.windowStart).toISOString().slice(0, 19).replace('T', ' ')));
    const normalMax = Math.max(...rows.filter((r) => !spikes.has(r.split(',')[0])).map((r) => Number(r.split(',')[1])));
    const spikeMin = Math.min(...rows.filter((r) => spikes.has(r.split(',')[0])).map((r) => Number(r.split(',')[1])));
    expect(values.length).toBe(2688);
    expect(spikeMin).toBeGreaterThan(1.5 * normalMax);
  });
});
