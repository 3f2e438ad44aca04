import type { ExportedFile } from '../../shared/api/sql.ts';
import type {
  DemoKind,
  DemoLoadResult,
  ForestSettings,
  KeySeries,
  MarkRequest,
  ScoreMode,
  StreamAlerts,
  StreamDefinition,
  StreamDefinitionInput,
  StreamImportResult,
  StreamRun,
  StreamSummary,
  Swimlane,
  Threshold,
} from '../../shared/api/streams.ts';
import { idleWorkContext, type WorkContext } from '../jobs/context.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { exportAlerts, markWindow, runAlerts } from './alerts.ts';
import { defineStream, deleteStream, getStream, listStreams } from './catalog.ts';
import { keySeries, swimlane } from './charts.ts';
import { importEvents, loadDemo } from './demo.ts';
import { getRun, listRuns, setRunThreshold } from './runs.ts';
import { FOREST_BUDGET_BYTES, scoreStream } from './scoreRun.ts';
import { scoreKeysInWorkers, type WindowScorer } from './scorer.ts';

/**
 * Metric streams over one workspace: the one door the API, live follow and the bench go through.
 * Each concern is its own module (catalog, scoreRun, runs, alerts, charts, demo); this binds them to the
 * workspace and to the scorer that runs the forests.
 */
export class StreamsService {
  constructor(
    private ws: Workspace,
    private scorer: WindowScorer = scoreKeysInWorkers,
    private forestBudgetBytes = FOREST_BUDGET_BYTES,
  ) {}

  list(): Promise<StreamSummary[]> {
    return listStreams(this.ws);
  }

  get(name: string): Promise<StreamDefinition> {
    return getStream(this.ws, name);
  }

  define(input: StreamDefinitionInput): Promise<StreamDefinition> {
    return defineStream(this.ws, input);
  }

  delete(name: string): Promise<void> {
    return deleteStream(this.ws, name);
  }

  score(
    name: string,
    overrides: { forest?: Partial<ForestSettings>; threshold?: Threshold; mode?: ScoreMode } = {},
    ctx: WorkContext = idleWorkContext(),
  ): Promise<StreamRun> {
    return scoreStream(this.ws, name, overrides, ctx, this.scorer, this.forestBudgetBytes);
  }

  runs(stream?: string): Promise<StreamRun[]> {
    return listRuns(this.ws, stream);
  }

  run(id: string): Promise<StreamRun> {
    return getRun(this.ws, id);
  }

  alerts(runId: string): Promise<StreamAlerts> {
    return runAlerts(this.ws, runId);
  }

  setThreshold(runId: string, threshold: Threshold): Promise<StreamRun> {
    return setRunThreshold(this.ws, runId, threshold);
  }

  mark(req: MarkRequest): Promise<void> {
    return markWindow(this.ws, req);
  }

  exportAlerts(runId: string): Promise<ExportedFile> {
    return exportAlerts(this.ws, runId);
  }

  series(runId: string, key: string): Promise<KeySeries> {
    return keySeries(this.ws, runId, key);
  }

  swimlane(runId: string, bins = 120, maxKeys = 50, offset = 0): Promise<Swimlane> {
    return swimlane(this.ws, runId, bins, maxKeys, offset);
  }

  importFile(kind: DemoKind, path: string, table?: string): Promise<StreamImportResult> {
    return importEvents(this.ws, kind, path, table);
  }

  loadDemo(kind: DemoKind, ctx: WorkContext = idleWorkContext(), define = true): Promise<DemoLoadResult> {
    return loadDemo(this.ws, kind, ctx, define);
  }
}
