import type { StreamAlert } from '../../shared/api/streams.ts';
import type { PlantedWindow } from './generate/index.ts';

/** One planted anomaly: a key's run of consecutive labelled windows. */
export interface PlantedEvent {
  key: string;
  kind: string;
  /** First and last labelled window starts, epoch ms. */
  start: number;
  end: number;
}

/** How a run's incidents meet a labels file. */
export interface LabelCheck {
  /** Planted events, and how many of them an incident covers. */
  planted: number;
  plantedAlerting: number;
  /** Planted events that more than one incident covers (one event should alert once). */
  plantedSplit: number;
  /** Incidents that cover no planted event, and the windows outside planted events. */
  otherAlerts: number;
  otherWindows: number;
}

/** Labelled windows grouped into events: same key and kind, each window at most one window after the last. */
export function plantedEvents(labels: PlantedWindow[], windowMs: number): PlantedEvent[] {
  const sorted = [...labels].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.windowStart - b.windowStart));
  const out: PlantedEvent[] = [];
  for (const l of sorted) {
    const last = out[out.length - 1];
    if (last && last.key === l.key && last.kind === l.kind && l.windowStart - last.end <= windowMs) last.end = Math.max(last.end, l.windowStart);
    else out.push({ key: l.key, kind: l.kind, start: l.windowStart, end: l.windowStart });
  }
  return out;
}

/**
 * Whether an incident covers an event: same key, and it spans a window of the event or starts within
 * `lagWindows` windows after it (a shingle sees an event whole only once its windows are all in).
 */
export function covers(a: Pick<StreamAlert, 'key' | 'windowStart' | 'windowEnd'>, e: PlantedEvent, windowMs: number, lagWindows: number): boolean {
  return a.key === e.key && a.windowStart <= e.end + lagWindows * windowMs && a.windowEnd >= e.start;
}

export function checkLabels(alerts: StreamAlert[], labels: PlantedWindow[], windows: number, windowMs: number, shingleSize: number): LabelCheck {
  const events = plantedEvents(labels, windowMs);
  const lag = Math.max(1, shingleSize);
  const hits = events.map((e) => alerts.filter((a) => covers(a, e, windowMs, lag)).length);
  const eventWindows = events.reduce((n, e) => n + (e.end - e.start) / windowMs + 1, 0);
  return {
    planted: events.length,
    plantedAlerting: hits.filter((h) => h > 0).length,
    plantedSplit: hits.filter((h) => h > 1).length,
    otherAlerts: alerts.filter((a) => !events.some((e) => covers(a, e, windowMs, lag))).length,
    otherWindows: windows - eventWindows,
  };
}
