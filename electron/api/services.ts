import { MapCacheService } from '../map/cacheService.ts';
import { inboxSchema } from '../inbox/schema.ts';
import { investigateSchema } from '../investigate/schema.ts';
import { lakeSchema } from '../lake/schema.ts';
import { s3Schema } from '../s3/schema.ts';
import { createScoringPool } from '../scoring/pool.ts';
import { scoringSchema } from '../scoring/schema.ts';
import { ScoringService } from '../scoring/service.ts';
import { scorePlayers } from '../investigate/playerForest.ts';
import { streamsSchema } from '../streams/schema.ts';
import { SqlConsole } from '../workspace/console.ts';
import { ConsoleSandbox } from '../workspace/sandbox.ts';
import { rememberRecent } from '../workspace/paths.ts';
import type { SchemaComponent } from '../workspace/schema.ts';
import { openWorkspace, type Workspace } from '../workspace/workspace.ts';
import { EventBus } from '../jobs/events.ts';
import { JobRunner } from '../jobs/runner.ts';

/** Everything the handlers need, built once per workspace. Capabilities add their services here. */
export interface AppServices {
  ws: Workspace;
  events: EventBus;
  jobs: JobRunner;
  console: SqlConsole;
  /** The console's file sandbox; imports admit their folders through it. */
  sandbox: ConsoleSandbox;
  scoring: ScoringService;
  mapCache: MapCacheService;
}

/** Every capability's schema, applied when a workspace opens. */
export const SCHEMA_COMPONENTS: SchemaComponent[] = [lakeSchema, s3Schema, streamsSchema, scoringSchema, investigateSchema, inboxSchema];

export async function createServices(workspacePath: string, events = new EventBus()): Promise<AppServices> {
  const ws = await openWorkspace(workspacePath, SCHEMA_COMPONENTS);
  await rememberRecent(ws.path).catch(() => {}); // a read-only home folder must not stop the app
  const jobs = new JobRunner(events);
  const sandbox = new ConsoleSandbox(ws);
  return {
    ws,
    events,
    jobs,
    sandbox,
    console: new SqlConsole(ws, (p) => events.emit('sql.progress', p), sandbox),
    scoring: new ScoringService(
      ws,
      jobs,
      events,
      () => createScoringPool(),
      (scorer, run, signal) => scorePlayers(ws, scorer, run, signal),
    ),
    mapCache: new MapCacheService(ws, jobs, events),
  };
}

/** Cancels running jobs and waits (briefly) for them to stop, so nothing touches DuckDB after it closes. */
export async function closeServices(s: AppServices): Promise<void> {
  await s.mapCache.close();
  s.jobs.cancelAll();
  await s.jobs.settle(10_000);
  await s.scoring.close();
  await s.console.closeAll();
  s.ws.close();
}
