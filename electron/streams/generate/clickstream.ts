import { Rng } from '../../rcf/index.ts';
import { DEFAULT_START, poisson, timesInWindow, type DemoStreamData, type DemoStreamOptions, type PlantedWindow } from './common.ts';

const SITES = ['shop.example.com', 'news.example.com'];
const WINDOW_S = 10;
const WINDOWS = 1080;
const EVENTS_PER_WINDOW = 60;
/** Shares of browser actions, as the lab's Kinesis Data Generator template drew them. */
const ACTIONS: [string, number][] = [
  ['DocumentReady', 0.3],
  ['Impression', 0.5],
  ['Click', 0.05],
  ['Scroll', 0.15],
];
/** A burst of clicks (the lab's CTR spike): clicks multiply for a couple of windows. */
const BURSTS = [
  { site: 0, from: 700, windows: 2, extraClicks: 30 },
  { site: 1, from: 930, windows: 2, extraClicks: 30 },
];

function action(rng: Rng): string {
  let u = rng.next();
  for (const [name, share] of ACTIONS) if ((u -= share) < 0) return name;
  return ACTIONS[0][0];
}

/** Clickstream events as JSON lines `{"browseraction", "site", "time"}`, per site. */
export function generateClickstream(opts: DemoStreamOptions = {}): DemoStreamData {
  const rng = new Rng(opts.seed ?? 1, 102);
  const start = (opts.start ?? DEFAULT_START).getTime();
  const lines: string[] = [];
  const planted: PlantedWindow[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const windowStart = start + w * WINDOW_S * 1000;
    const events: [number, string, string][] = [];
    SITES.forEach((site, s) => {
      const n = poisson(rng, EVENTS_PER_WINDOW * (1 + 0.2 * Math.sin((2 * Math.PI * (w + 300 * s)) / WINDOWS)));
      for (const t of timesInWindow(rng, windowStart, WINDOW_S * 1000, n)) events.push([t, action(rng), site]);
      const burst = BURSTS.find((b) => b.site === s && w >= b.from && w < b.from + b.windows);
      if (burst) {
        for (const t of timesInWindow(rng, windowStart, WINDOW_S * 1000, burst.extraClicks)) events.push([t, 'Click', site]);
        planted.push({ key: site, windowStart, kind: 'click-burst' });
      }
    });
    events.sort((a, b) => a[0] - b[0]);
    for (const [t, a, site] of events) lines.push(JSON.stringify({ browseraction: a, site, time: new Date(t).toISOString() }));
  }
  return {
    fileName: 'clickstream.jsonl',
    text: lines.join('\n') + '\n',
    lines: lines.length,
    planted,
    stream: {
      name: 'ctr-per-site',
      sourceTable: 'click_events',
      timeColumn: 'ts',
      window: `${WINDOW_S}s`,
      keyColumn: 'site',
      measures: [
        { name: 'clicks', kind: 'count', where: `browseraction = 'Click'` },
        { name: 'impressions', kind: 'count', where: `browseraction = 'Impression'` },
        { name: 'ctr', kind: 'ratio', numerator: 'clicks', denominator: 'impressions' },
      ],
    },
  };
}
