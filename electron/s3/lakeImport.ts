import { copyFile, link, mkdir, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { importPath } from '../lake/import.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { Importer } from './sync.ts';

/**
 * The sync's bridge to the lake import pipeline. The lake imports a folder, so the objects to import
 * are hard-linked (copied where links are impossible) into a hidden staging folder in the bucket's
 * layout: the lake sees exactly these objects with their keys as paths, and the cache's other hours
 * are not walked. Each object's ledger identity is its S3 URL, versioned by its ETag, so a new ETag
 * replaces the object's rows and an unchanged one is skipped.
 */
export function lakeImporter(ws: Workspace): Importer {
  return async (req) => {
    // One sync runs per workspace at a time, so one staging folder; a crash's leftovers go first.
    const staging = join(req.cacheDir, '.import');
    const root = join(staging, req.bucket);
    const etagByKey = new Map(req.objects.map((o) => [o.key, o.etag]));
    await rm(staging, { recursive: true, force: true });
    try {
      for (const o of req.objects) {
        const at = join(root, ...o.key.split('/'));
        await mkdir(dirname(at), { recursive: true });
        await link(o.path, at).catch(() => copyFile(o.path, at));
      }
      const summary = await importPath(ws, root, {
        signal: req.signal,
        eventTime: req.eventTime,
        identity: (file) => ({ key: `s3://${req.bucket}/${file.rel}`, version: etagByKey.get(file.rel) ?? `${file.size}:${Math.round(file.mtimeMs)}` }),
        // Files, not bytes: the sync's byte counters are about the network.
        onProgress: (p) => req.onProgress({ done: p.done, total: p.total, unit: p.unit, message: `importing: ${p.rows.toLocaleString('en-US')} rows` }),
      });
      // Staged paths back to keys; the lake's own ledger keys are s3:// URLs.
      const prefix = `s3://${req.bucket}/`;
      const ignored = summary.ignored.map((i) => {
        const key = i.path.startsWith(prefix) ? i.path.slice(prefix.length) : relative(root, i.path).split(sep).join('/');
        return { key, reason: i.reason };
      });
      return { rows: summary.rows, ignored };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  };
}
