import type { JobInfo } from '../../../../../shared/api/index.ts';
import { formatDuration } from '../../../../../shared/format.ts';

/** "12 / 146 files · 1,234,567 rows · 45.2 MB/s · ETA 3 s", from an import job's progress. */
export function importProgressText(job: JobInfo, now: number): string {
  const p = job.progress;
  const seconds = Math.max(0.001, (now - Date.parse(job.startedAt)) / 1000);
  if (p.unit !== 'files') return p.message ?? 'Starting…';
  const parts = [`${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')} files`];
  if (p.message) parts.push(p.message);
  const bytes = p.bytesDone ?? 0;
  if (bytes > 0) {
    const rate = bytes / seconds;
    parts.push(`${(rate / 1e6).toFixed(1)} MB/s`);
    if (p.bytesTotal && p.bytesTotal > bytes) parts.push(`ETA ${formatDuration((p.bytesTotal - bytes) / rate)}`);
  }
  return parts.join(' · ');
}

/** Share of the work done, by bytes when known. */
export function importFraction(job: JobInfo): number {
  const p = job.progress;
  if (p.unit === 'files' && p.bytesTotal) return (p.bytesDone ?? 0) / p.bytesTotal;
  return p.total ? p.done / p.total : 0;
}
