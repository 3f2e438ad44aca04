import type { InvestigateApi } from '../../../shared/api/investigate.ts';
import { exportBanList } from '../../investigate/banList.ts';
import { ruleSettings, saveRuleSettings } from '../../investigate/evidence.ts';
import { flaggedPage } from '../../investigate/table.ts';
import { playerDetail, playerEvents } from '../../investigate/player.ts';
import { verdictHistory } from '../../investigate/verdictHistory.ts';
import { clearVerdict, restoreVerdicts, saveNote, setVerdict, setVerdicts } from '../../investigate/verdicts.ts';
import { deleteZone, listZones, saveZone } from '../../investigate/zones.ts';
import { type HandlersFor } from '../router.ts';
import { optional, requireNumber, requireOneOf } from '../../../shared/api/validate.ts';
import { optionalCutoff, optionalRun } from './runArgs.ts';
import type { AppServices } from '../services.ts';
import type { ChangeReason } from '../../../shared/api/index.ts';

export function investigateHandlers(s: AppServices): HandlersFor<InvestigateApi> {
  const changed = <T>(reason: ChangeReason, value: T) => {
    s.events.emit('workspace.changed', { reason });
    return value;
  };
  return {
    'investigate.zones': () => listZones(s.ws),
    'investigate.saveZone': async (r) => changed('investigate.zones', await saveZone(s.ws, r)),
    'investigate.deleteZone': async (r) => changed('investigate.zones', { deleted: await deleteZone(s.ws, requireNumber(r.id, 'id')) }),
    'investigate.rules': () => ruleSettings(s.ws),
    'investigate.saveRules': async (r) => changed('investigate.rules', await saveRuleSettings(s.ws, r)),
    'investigate.flagged': (r) => flaggedPage(s.ws, { ...r, ...optionalRun(r.runId), ...optionalCutoff(r.cutoff) }),
    'investigate.player': (r) => playerDetail(s.ws, { pidx: requireNumber(r.pidx, 'pidx'), ...optionalRun(r.runId), ...optionalCutoff(r.cutoff) }),
    'investigate.events': (r) =>
      playerEvents(s.ws, {
        pidx: requireNumber(r.pidx, 'pidx'),
        offset: requireNumber(r.offset, 'offset'),
        limit: requireNumber(r.limit, 'limit'),
        ...optionalRun(r.runId),
      }),
    'investigate.setVerdict': async (r) =>
      changed(
        'investigate.verdict',
        await setVerdict(s.ws, requireNumber(r.pidx, 'pidx'), r.verdict, r.note ?? '', r.runId === undefined ? null : requireNumber(r.runId, 'runId')),
      ),
    'investigate.setVerdicts': async (r) =>
      changed(
        'investigate.verdict',
        await setVerdicts(s.ws, Array.isArray(r.pidxs) ? r.pidxs : [], r.verdict, r.note ?? '', r.runId === undefined ? null : requireNumber(r.runId, 'runId')),
      ),
    'investigate.saveNote': async (r) => changed('investigate.verdict', await saveNote(s.ws, requireNumber(r.pidx, 'pidx'), r.note)),
    'investigate.clearVerdict': async (r) => changed('investigate.verdict', { cleared: await clearVerdict(s.ws, requireNumber(r.pidx, 'pidx')) }),
    'investigate.restoreVerdicts': async (r) => changed('investigate.verdict', { restored: await restoreVerdicts(s.ws, r.states) }),
    'investigate.verdictHistory': (r) => verdictHistory(s.ws, requireNumber(r.pidx, 'pidx')),
    'investigate.exportBans': (r) => {
      const include = optional(r.include, (v) => requireOneOf(v, 'include', ['ban', 'all'] as const));
      const flags = { ...(r.evidence === true ? { evidence: true } : {}), ...(r.bom === true ? { bom: true } : {}) };
      return exportBanList(s.ws, { ...optionalRun(r.runId), ...optionalCutoff(r.cutoff), ...(include ? { include } : {}), ...flags });
    },
  };
}
