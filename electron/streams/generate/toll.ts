import { Rng } from '../../rcf/index.ts';
import { DEFAULT_START, poisson, pythonTime, timesInWindow, type DemoStreamData, type DemoStreamOptions, type PlantedWindow } from './common.ts';

const STATIONS = 8;
const WINDOW_S = 10;
const WINDOWS = 1080; // three hours of 10-second windows
/** The toll lab's incident: for a few windows one station takes almost all of the traffic. */
const INCIDENTS = [
  { station: 3, from: 620, windows: 3 },
  { station: 6, from: 910, windows: 3 },
];
const HOT_SHARE = 0.8;

/**
 * Vehicles passing toll stations as the lab's Firehose wrote them: `date,toll,user` lines, no header.
 * Each station has its own rate with a slow swell over the three hours.
 */
export function generateToll(opts: DemoStreamOptions = {}): DemoStreamData {
  const rng = new Rng(opts.seed ?? 1, 101);
  const start = (opts.start ?? DEFAULT_START).getTime();
  const rates = Array.from({ length: STATIONS }, () => 8 + rng.next() * 10);
  const lines: string[] = [];
  const planted: PlantedWindow[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const windowStart = start + w * WINDOW_S * 1000;
    const swell = 1 + 0.25 * Math.sin((2 * Math.PI * w) / WINDOWS);
    const counts = rates.map((r) => poisson(rng, r * swell));
    const incident = INCIDENTS.find((i) => w >= i.from && w < i.from + i.windows);
    if (incident) {
      // A flood at one station until it carries almost all of the traffic; the others go on as usual.
      const others = counts.reduce((a, b) => a + b, 0) - counts[incident.station - 1];
      counts[incident.station - 1] = Math.round((others * HOT_SHARE) / (1 - HOT_SHARE));
      planted.push({ key: String(incident.station), windowStart, kind: 'hot-station' });
    }
    const events: [number, number][] = [];
    counts.forEach((n, s) => timesInWindow(rng, windowStart, WINDOW_S * 1000, n).forEach((t) => events.push([t, s + 1])));
    events.sort((a, b) => a[0] - b[0]);
    for (const [t, station] of events) lines.push(`${pythonTime(t)},${station},user${1 + rng.int(5000)}`);
  }
  return {
    fileName: 'toll-events.csv',
    text: lines.join('\n') + '\n',
    lines: lines.length,
    planted,
    stream: {
      name: 'toll-per-station',
      sourceTable: 'toll_events',
      timeColumn: 'ts',
      window: `${WINDOW_S}s`,
      keyColumn: 'toll',
      measures: [{ name: 'vehicles', kind: 'count' }],
    },
  };
}
