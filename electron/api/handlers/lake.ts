import { ApiError } from '../../../shared/api/envelope.ts';
import type { ImportSummary, LakeApi } from '../../../shared/api/lake.ts';
import { loadDemo } from '../../lake/demo.ts';
import { importPath } from '../../lake/import.ts';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { forgetFiles, forgetMissing, forgetUnder, missingSummary } from '../../lake/forget.ts';
import { filesPage } from '../../lake/ledger.ts';
import { partitions, quarantine } from '../../lake/queries.ts';
import { type HandlersFor } from '../router.ts';
import { requireString } from '../../../shared/api/validate.ts';
import type { AppServices } from '../services.ts';

export function lakeHandlers(s: AppServices): HandlersFor<LakeApi> {
  const changed = (summary: ImportSummary) => {
    if (summary.files > 0) s.events.emit('workspace.changed', { reason: 'lake.import' });
    return summary;
  };
  return {
    'lake.import': async (r) => {
      // Absolute in the job, the summary and the ledger; a path that is not there fails the call itself.
      const dir = resolve(requireString(r.dir, 'dir'));
      await stat(dir).catch(() => {
        throw new ApiError('NOT_FOUND', `${dir} does not exist`);
      });
      return s.jobs.start('lake.import', `Import ${dir}`, async (ctx) =>
        changed(await importPath(s.ws, dir, { signal: ctx.signal, onProgress: (p) => ctx.progress(p) })),
      );
    },
    'lake.loadDemo': () =>
      s.jobs.start('lake.import', 'Load demo data set', async (ctx) =>
        changed(
          await loadDemo(s.ws, {
            signal: ctx.signal,
            onProgress: (p) =>
              ctx.progress(
                p.import ?? {
                  done: p.done,
                  total: p.total,
                  unit: 'rows',
                  message: `generating demo: ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} rows`,
                },
              ),
          }),
        ),
      ),
    'lake.partitions': () => partitions(s.ws),
    'lake.quarantine': (r) => quarantine(s.ws, r.limit ?? 500, r.offset ?? 0, r.fileId),
    'lake.files': (r) => filesPage(s.ws, r),
    'lake.missing': () => missingSummary(s.ws),
    'lake.forget': async (r) => {
      const ways = [r.missing === true, Array.isArray(r.fileIds), typeof r.under === 'string'].filter(Boolean).length;
      if (ways !== 1) throw new ApiError('BAD_REQUEST', 'give one of "fileIds", "missing": true or "under"');
      if (r.dryRun === true) {
        if (typeof r.under !== 'string') throw new ApiError('BAD_REQUEST', '"dryRun" goes with "under"');
        return forgetUnder(s.ws, r.under, true);
      }
      // An import replaces ledger entries in its own transactions; forgetting beside it would conflict.
      if (s.jobs.list().some((j) => (j.kind === 'lake.import' || j.kind === 's3.sync') && j.state === 'running')) {
        throw new ApiError('BAD_REQUEST', 'an import is running; forget files after it ends');
      }
      const forgotten = r.missing
        ? await forgetMissing(s.ws)
        : typeof r.under === 'string'
          ? await forgetUnder(s.ws, r.under)
          : await forgetFiles(s.ws, r.fileIds!);
      if (forgotten.files > 0) s.events.emit('workspace.changed', { reason: 'lake.forget' });
      return forgotten;
    },
  };
}
