import { benchFollow } from './follow.ts';
import { benchDetect } from './detect.ts';
import { benchIngest } from './ingest.ts';
import { benchLab } from './lab.ts';
import { benchMap } from './map.ts';
import { benchNab } from './nab.ts';
import { benchRcf } from './rcf.ts';
import { benchStreams } from './streams.ts';
import { benchSync } from './sync.ts';
import { benchTransport } from './transport.ts';
import type { BenchOptions, BenchRow } from './types.ts';

/** Every benchmark suite, by the name `npm run bench -- <name>` takes. */
export const SUITES: Record<string, { about: string; run: (opts: BenchOptions) => Promise<BenchRow[]>; onDemand?: boolean }> = {
  ingest: { about: 'Import 2M and 20M generated play-log rows (JSON lines, gzipped), vs DuckDB reading the same files', run: benchIngest },
  transport: { about: '1M rows × 3 numeric columns from DuckDB to the renderer, vs DuckDB alone', run: benchTransport },
  map: { about: 'Map viewport re-bin query at 2M and 20M play-log rows, vs a plain count; map frame time in Chromium', run: benchMap },
  rcf: {
    about: 'RCF build and score points/s (T100/S256, T200/S1000; 2-D, 10-D; 1 thread and the pool), the score CLI on 1M rows, the 40.5M-row lab job',
    run: benchRcf,
  },
  lab: {
    about:
      'The whole lab from a local s3rver: sync, import, score 200×1000, flagged, export-bans; wall and peak RSS per step (--rows N, --lake DIR, --dir DIR, --cli FILE)',
    run: benchLab,
    onDemand: true,
  },
  follow: {
    about:
      'A follow tick finding one new 1 MB object (import, live score, flagged list) vs a full rescore; an unchanged tick (REDZONE_BENCH_LAKE=DIR for the lab lake)',
    run: benchFollow,
  },
  detect: {
    about:
      "Detection on both demo worlds (lab, continent): precision@N, recall, AP, flagged, per behaviour, beside the lab's RCF on x,y; player-stage cost; flagged time",
    run: benchDetect,
  },
  nab: {
    about:
      'Thresholded streaming detector on a NAB-style folder (--dir DIR): windows found and false-positive timestamps per series, beside plain RCF at mean+3σ; its time over plain scoring',
    run: benchNab,
    onDemand: true,
  },
  streams: {
    about: 'A 2,000-key per-player stream (864,000 windows) scored by the thresholded detector vs a fixed cut-off (plain streaming RCF), same run',
    run: benchStreams,
  },
  sync: { about: 'S3 sync of the 2M-row demo from a local s3rver, vs a plain parallel GetObject loop', run: benchSync },
};
