/**
 * Demo metric streams in the three reference shapes, with anomalies planted the way the labs did and
 * their windows written to a labels file (ground truth never goes into the data file).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiError } from '../../../shared/api/envelope.ts';
import type { DemoKind, StreamDefinitionInput } from '../../../shared/api/streams.ts';
import { csvDocument } from '../../../shared/csv.ts';
import { generateClickstream } from './clickstream.ts';
import type { DemoStreamData, DemoStreamOptions, PlantedWindow } from './common.ts';
import { generateSeries } from './series.ts';
import { generateToll } from './toll.ts';
import { requireOneOf } from '../../../shared/api/validate.ts';

export type { PlantedWindow } from './common.ts';

export const DEMO_KINDS: DemoKind[] = ['toll', 'clickstream', 'series'];

const GENERATORS: Record<DemoKind, (o: DemoStreamOptions) => DemoStreamData> = {
  toll: generateToll,
  clickstream: generateClickstream,
  series: generateSeries,
};

export interface StreamDemoResult {
  kind: DemoKind;
  dataPath: string;
  labelsPath: string;
  lines: number;
  planted: PlantedWindow[];
  /** The stream that watches this data once imported. */
  stream: StreamDefinitionInput;
}

export function isDemoKind(kind: string): kind is DemoKind {
  return (DEMO_KINDS as string[]).includes(kind);
}

/** Writes `<out>/<data file>` and `<out>/<kind>-labels.csv` (key,window_start,kind). */
export async function generateStreamDemo(kind: DemoKind, out: string, opts: DemoStreamOptions = {}): Promise<StreamDemoResult> {
  requireOneOf(kind, 'kind', DEMO_KINDS);
  const dir = resolve(out);
  const data = GENERATORS[kind](opts);
  await mkdir(dir, { recursive: true });
  const dataPath = join(dir, data.fileName);
  const labelsPath = join(dir, `${kind}-labels.csv`);
  await writeFile(dataPath, data.text);
  await writeFile(
    labelsPath,
    csvDocument(
      ['key', 'window_start', 'kind'],
      data.planted.map((p) => [p.key, labelTime(p.windowStart), p.kind]),
    ),
  );
  return { kind, dataPath, labelsPath, lines: data.lines, planted: data.planted, stream: data.stream };
}

/** `2024-05-06 09:43:20` (UTC), the form DuckDB prints and parses. */
function labelTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Reads a labels file back (the tests and `stream alerts --labels` compare alerts with it). */
export async function readLabels(path: string): Promise<PlantedWindow[]> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new ApiError('BAD_REQUEST', `cannot read the labels file ${path}: ${e.code ?? e.message}`);
  });
  const [header, ...rows] = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (header !== 'key,window_start,kind') throw new ApiError('BAD_REQUEST', `${path} is not a labels file (header "key,window_start,kind")`);
  return rows.map((r) => {
    const [key, when, kind] = r.split(',');
    return { key, windowStart: Date.parse(`${when.replace(' ', 'T')}Z`), kind };
  });
}
