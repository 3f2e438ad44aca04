import { ApiError } from '../../../shared/api/envelope.ts';
import type { ImportSummary, LakeApi } from '../../../shared/api/lake.ts';
import { loadDemo } from '../../lake/demo.ts';
import { importPath } from '../../lake/import.ts';
import { forgetFiles, forgetMissing, missingSummary } from '../../lake/forget.ts';
import { filesPage } from '../../lake/ledger.ts';
import { partitions, quarantine } from '../../lake/queries.ts';
import { requireString, type HandlersFor } from '../router.ts';
import type { AppServices } from '../services.ts';

export function lakeHandlers(s: AppServices): HandlersFor<LakeApi> {
  const changed = (summary: ImportSummary) => {
    if (summary.files > 0) s.events.emit('workspace.changed', { reason: 'lake.import' });
    return summary;
  };
  return {
    'lake.import': (r) => {
      const dir = requireString(r.dir, 'dir');
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
                p.import ?? { done: p.done, total: p.total, unit: 'rows', message: `generating demo: ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} rows` },
              ),
          }),
        ),
      ),
    'lake.partitions': () => partitions(s.ws),
    'lake.quarantine': (r) => quarantine(s.ws, r.limit ?? 500, r.offset ?? 0, r.fileId),
    'lake.files': (r) => filesPage(s.ws, r),
    'lake.missing': () => missingSummary(s.ws),
    'lake.forget': async (r) => {
      if ((r.missing === true) === Array.isArray(r.fileIds)) throw new ApiError('BAD_REQUEST', 'give either "fileIds" or "missing": true');
      // An import replaces ledger entries in its own transactions; forgetting beside it would conflict.
      if (s.jobs.list().some((j) => (j.kind === 'lake.import' || j.kind === 's3.sync') && j.state === 'running')) {
        throw new ApiError('BAD_REQUEST', 'an import is running; forget files after it ends');
      }
      const forgotten = r.missing ? await forgetMissing(s.ws) : await forgetFiles(s.ws, r.fileIds!);
      if (forgotten.files > 0) s.events.emit('workspace.changed', { reason: 'lake.forget' });
      return forgotten;
    },
  };
}
