import { join } from 'node:path';
import { ApiError } from '../../../shared/api/envelope.ts';
import { FOLLOW_JOB } from '../../../shared/api/follow.ts';
import type { S3Api, S3Source, S3SourceRef } from '../../../shared/api/s3.ts';
import { lakeImporter } from '../../s3/lakeImport.ts';
import { SourceStore, validateSource } from '../../s3/sources.ts';
import { planSync, syncSource, type SyncDeps } from '../../s3/sync.ts';
import type { AppServices } from '../services.ts';
import { type HandlersFor } from '../router.ts';
import { optional, requireInteger, requireString } from '../../../shared/api/validate.ts';

async function resolveSource(store: SourceStore, ref: S3SourceRef): Promise<S3Source> {
  if (ref.source) return validateSource(ref.source);
  if (ref.name !== undefined) return store.get(requireString(ref.name, 'name'));
  throw new ApiError('BAD_REQUEST', 'give a saved source by "name" or a full "source"');
}

const concurrencyOf = (value: unknown) => optional(value, (v) => requireInteger(v, 'concurrency', { min: 1, max: 64 }));

export function s3Handlers(s: AppServices): HandlersFor<S3Api> {
  const store = new SourceStore(s.ws.db);
  const deps = async (): Promise<SyncDeps> => ({ db: await s.ws.connect(), cacheDir: join(s.ws.dataDir, 's3'), importer: lakeImporter(s.ws) });
  return {
    's3.sources': () => store.list(),
    's3.saveSource': (r) => store.save(r),
    's3.deleteSource': async (r) => ({ deleted: await store.delete(requireString(r.name, 'name')) }),
    's3.plan': async (r) => {
      const source = await resolveSource(store, r);
      // Listing a big bucket over a slow link takes minutes: a job, so it reports and can be cancelled.
      return s.jobs.start('s3.plan', `List s3://${source.bucket} ${source.from} … ${source.to}`, async (ctx) => {
        const d = await deps();
        try {
          return await planSync(d, source, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) });
        } finally {
          d.db.closeSync();
        }
      });
    },
    's3.sync': async (r) => {
      const source = await resolveSource(store, r);
      const concurrency = concurrencyOf(r.concurrency);
      // Two syncs would write the same .part files.
      if (s.jobs.list().some((j) => j.kind === 's3.sync' && j.state === 'running'))
        throw new ApiError('BAD_REQUEST', 'a sync is already running in this workspace; wait for it or cancel it');
      if (s.jobs.list().some((j) => j.kind === FOLLOW_JOB && j.state === 'running'))
        throw new ApiError('BAD_REQUEST', 'a source is being followed in this workspace (it syncs by itself); stop following to sync by hand');
      return s.jobs.start('s3.sync', `Sync s3://${source.bucket} ${source.from} … ${source.to}`, async (ctx) => {
        const d = await deps();
        try {
          const summary = await syncSource(d, source, { signal: ctx.signal, ...(concurrency ? { concurrency } : {}), onProgress: (p) => ctx.progress(p) });
          if (summary.rows > 0 || summary.downloaded > 0) s.events.emit('workspace.changed', { reason: 's3.sync' });
          return summary;
        } finally {
          d.db.closeSync();
        }
      });
    },
  };
}
