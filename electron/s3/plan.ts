import type { S3ObjectStatus, S3Plan, S3PlanObject, S3Source } from '../../shared/api/s3.ts';
import { parsePartition } from '../lake/layout.ts';
import type { ImportedVersion } from './ledger.ts';
import type { ListedObject } from './listing.ts';

/**
 * Status of a listed object against what the workspace holds: unchanged when the same ETag was
 * imported for a window covering this one; changed when another ETag was; new otherwise (including
 * an object imported earlier for a narrower window, whose rows in this range are not in yet).
 */
export function objectStatus(o: ListedObject, imported: ImportedVersion | undefined, window: { from: number; to: number }): S3ObjectStatus {
  if (!imported) return 'new';
  if (imported.etag !== o.etag) return 'changed';
  // Records arrive after they happen, so an object holds no event later than its arrival hour's end:
  // a window extended past that changes nothing for it.
  const p = parsePartition(o.key);
  const arrivalEnd = p ? Date.UTC(p.year, p.month - 1, p.day, p.hour + 1) : Infinity;
  return imported.from <= window.from && imported.to >= Math.min(window.to, arrivalEnd) ? 'unchanged' : 'new';
}

export function buildPlan(
  source: S3Source,
  listedPrefixes: string[],
  listed: ListedObject[],
  imported: (key: string) => ImportedVersion | undefined,
  window: { from: number; to: number },
): S3Plan {
  const totals: S3Plan['totals'] = { new: { objects: 0, bytes: 0 }, changed: { objects: 0, bytes: 0 }, unchanged: { objects: 0, bytes: 0 } };
  const objects: S3PlanObject[] = listed.map((o) => {
    const status = objectStatus(o, imported(o.key), window);
    totals[status].objects++;
    totals[status].bytes += o.size;
    return { key: o.key, size: o.size, etag: o.etag, lastModified: o.lastModified.toISOString(), status };
  });
  return { source, listedPrefixes, objects, totals };
}
