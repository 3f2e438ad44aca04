import type { StreamDefinitionInput } from '../../../shared/api/streams.ts';
import { Rng } from '../../rcf/index.ts';

/** One planted anomaly window, as the labels file lists it. */
export interface PlantedWindow {
  /** The stream key ('' for an unkeyed stream). */
  key: string;
  /** Window start, epoch ms. */
  windowStart: number;
  kind: string;
}

/** A generated demo: its file's text, what was planted, and the stream that watches it. */
export interface DemoStreamData {
  fileName: string;
  text: string;
  lines: number;
  planted: PlantedWindow[];
  stream: StreamDefinitionInput;
}

export interface DemoStreamOptions {
  seed?: number;
  /** First window's start (default 2024-05-06 08:00 UTC). */
  start?: Date;
}

export const DEFAULT_START = new Date('2024-05-06T08:00:00Z');

/** Poisson counts by inversion (Knuth); the means here stay far below where exp(-λ) underflows. */
export function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}

/** Standard normal (Box–Muller). */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** `2024-05-06 08:00:03.123000`: Python's str(datetime), as the labs' producers wrote times. */
export function pythonTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

/** Event times for `count` events spread uniformly over a window, in order. */
export function timesInWindow(rng: Rng, windowStart: number, windowMs: number, count: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(windowStart + Math.floor(rng.next() * windowMs));
  return times.sort((a, b) => a - b);
}
