import { Rng } from '../../rcf/index.ts';
import { gaussian, type DemoStreamData, type DemoStreamOptions, type PlantedWindow } from './common.ts';

const WINDOW_S = 1800;
const WINDOWS = 48 * 7 * 8; // eight weeks of half hours
const SERIES_START = new Date('2014-07-01T00:00:00Z');
/** Ridership spikes (the taxi data's marathon nights): a couple of half hours far above any normal peak. */
const SPIKES = [
  { from: 1500, windows: 2, factor: 2.2 },
  { from: 2300, windows: 2, factor: 2.2 },
];

/** Rides per half hour with daily and weekly seasons: `timestamp,value` with a header, like the taxi CSV. */
export function generateSeries(opts: DemoStreamOptions = {}): DemoStreamData {
  const rng = new Rng(opts.seed ?? 1, 103);
  const start = (opts.start ?? SERIES_START).getTime();
  const lines = ['timestamp,value'];
  const planted: PlantedWindow[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const t = start + w * WINDOW_S * 1000;
    const hour = (w % 48) / 2;
    const day = Math.floor(w / 48) % 7;
    const daily = 0.55 + 0.45 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
    const weekly = day >= 5 ? 0.85 : 1;
    let value = 15000 * daily * weekly + 600 * gaussian(rng);
    const spike = SPIKES.find((s) => w >= s.from && w < s.from + s.windows);
    if (spike) {
      value = 15000 * spike.factor;
      planted.push({ key: '', windowStart: t, kind: 'ridership-spike' });
    }
    lines.push(`${new Date(t).toISOString().slice(0, 19).replace('T', ' ')},${Math.max(0, Math.round(value))}`);
  }
  return {
    fileName: 'series.csv',
    text: lines.join('\n') + '\n',
    lines: WINDOWS,
    planted,
    stream: {
      name: 'ridership',
      sourceTable: 'series_values',
      timeColumn: 'ts',
      window: '30min',
      measures: [{ name: 'rides', kind: 'sum', column: 'value' }],
    },
  };
}
