import type { DemoKind, StreamsApi } from '../../../shared/api/streams.ts';
import { DEMO_KINDS } from '../../streams/generate/index.ts';
import { StreamsService } from '../../streams/service.ts';
import { type HandlersFor } from '../router.ts';
import { optional, requireNumber, requireOneOf, requireString } from '../../../shared/api/validate.ts';
import type { AppServices } from '../services.ts';
import type { ChangeReason } from '../../../shared/api/index.ts';

const demoKind = (v: unknown): DemoKind => requireOneOf(v, 'kind', DEMO_KINDS);

export function streamsHandlers(s: AppServices): HandlersFor<StreamsApi> {
  const streams = new StreamsService(s.ws);
  const changed = (reason: ChangeReason) => s.events.emit('workspace.changed', { reason });
  return {
    'streams.list': () => streams.list(),
    'streams.define': async (r) => {
      const def = await streams.define(r.definition);
      changed('streams.define');
      return def;
    },
    'streams.delete': async (r) => {
      await streams.delete(requireString(r.name, 'name'));
      changed('streams.delete');
      return {};
    },
    'streams.score': async (r) => {
      const name = requireString(r.name, 'name');
      const mode = optional(r.mode, (v) => requireOneOf(v, 'mode', ['continue', 'rescore'] as const));
      await streams.get(name); // NOT_FOUND now, not as a failed job
      const title = mode === 'continue' ? `Score new windows of stream ${name}` : `Score stream ${name}`;
      return s.jobs.start('streams.score', title, async (ctx) => {
        const run = await streams.score(name, { forest: r.forest, threshold: r.threshold, mode }, ctx);
        changed('streams.score');
        return run;
      });
    },
    'streams.runs': (r) => streams.runs(r.name),
    'streams.alerts': (r) => streams.alerts(requireString(r.runId, 'runId')),
    'streams.setThreshold': (r) => streams.setThreshold(requireString(r.runId, 'runId'), r.threshold),
    'streams.mark': async (r) => {
      await streams.mark({ ...r, stream: requireString(r.stream, 'stream'), windowStart: requireNumber(r.windowStart, 'windowStart') });
      return {};
    },
    'streams.export': (r) => streams.exportAlerts(requireString(r.runId, 'runId')),
    'streams.series': (r) => streams.series(requireString(r.runId, 'runId'), String(r.key ?? '')),
    'streams.swimlane': (r) => streams.swimlane(requireString(r.runId, 'runId'), r.bins ?? 120, r.maxKeys ?? 50, r.offset ?? 0),
    'streams.import': (r) => {
      const kind = demoKind(r.kind);
      const path = requireString(r.path, 'path');
      return s.jobs.start('streams.import', `Import ${kind} events`, async () => {
        const result = await streams.importFile(kind, path, r.table);
        changed('streams.import');
        return result;
      });
    },
    'streams.loadDemo': (r) => {
      const kind = demoKind(r.kind);
      return s.jobs.start('streams.loadDemo', `Load the ${kind} demo stream`, async (ctx) => {
        const result = await streams.loadDemo(kind, ctx, r.define !== false);
        changed('streams.loadDemo');
        return result;
      });
    },
  };
}
