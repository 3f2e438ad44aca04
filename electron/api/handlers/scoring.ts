import type { ScoringApi } from '../../../shared/api/scoring.ts';
import { deleteRun, getRun, listRuns, recut } from '../../scoring/runs.ts';
import { type HandlersFor } from '../router.ts';
import { requireNumber, requireString } from '../../../shared/api/validate.ts';
import type { AppServices } from '../services.ts';
import type { ChangeReason } from '../../../shared/api/index.ts';

export function scoringHandlers(s: AppServices): HandlersFor<ScoringApi> {
  const changed = <T>(reason: ChangeReason, value: T) => {
    s.events.emit('workspace.changed', { reason });
    return value;
  };
  return {
    'scoring.start': (r) => s.scoring.start(r),
    'scoring.runs': () => listRuns(s.ws),
    'scoring.get': (r) => getRun(s.ws, requireNumber(r.id, 'id')),
    'scoring.recut': async (r) => changed('scoring.recut', await recut(s.ws, requireNumber(r.id, 'id'), requireString(r.cutoff, 'cutoff'))),
    'scoring.delete': async (r) => changed('scoring.delete', { deleted: await deleteRun(s.ws, requireNumber(r.id, 'id')) }),
  };
}
