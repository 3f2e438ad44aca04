import { jobsHandlers, sqlHandlers, workspaceHandlers } from './handlers/core.ts';
import { followHandlers } from './handlers/follow.ts';
import { investigateHandlers } from './handlers/investigate.ts';
import { MAP_CACHE_JOB } from '../map/cacheService.ts';
import { lakeHandlers } from './handlers/lake.ts';
import { mapHandlers } from './handlers/map.ts';
import { s3Handlers } from './handlers/s3.ts';
import { scoringHandlers } from './handlers/scoring.ts';
import { streamsHandlers } from './handlers/streams.ts';
import { createRouter, toErrorBody, type Handlers, type Router } from './router.ts';
import { folderOf } from '../workspace/sandbox.ts';
import { finishedWithin } from '../jobs/deadline.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import { FOLLOW_JOB } from '../../shared/api/follow.ts';
import { EventBus } from '../jobs/events.ts';
import { closeServices, createServices, type AppServices } from './services.ts';

export interface App {
  /** The open workspace's services (they change when another workspace is opened). */
  readonly services: AppServices;
  router: Router;
  close(): Promise<void>;
}

function buildHandlers(services: AppServices, openWorkspace: (path: string) => Promise<void>): Handlers {
  return {
    ...workspaceHandlers(services, openWorkspace),
    ...sqlHandlers(services),
    ...jobsHandlers(services),
    ...lakeHandlers(services),
    ...s3Handlers(services),
    ...scoringHandlers(services),
    ...investigateHandlers(services),
    ...mapHandlers(services),
    ...streamsHandlers(services),
    ...followHandlers(services),
  };
}

/** The file an import request reads, which the console's sandbox must admit before it runs. */
function importedPath(method: string, request: unknown): string | undefined {
  const r = (request ?? {}) as Record<string, unknown>;
  if (method === 'lake.import' && typeof r.dir === 'string') return r.dir;
  if (method === 'streams.import' && typeof r.path === 'string') return r.path;
  return undefined;
}

/** The composition root shared by Electron, browser mode, the CLI and the tests. */
export async function createApp(workspacePath: string, log: (line: string) => void = (l) => console.error(l)): Promise<App> {
  // One event bus for the app's life: transports stay subscribed when the workspace changes.
  const events = new EventBus();
  let services = await createServices(workspacePath, events);
  let router: Router;
  const open = async (path: string) => {
    // A map cache build is only derived data: closing the workspace cancels it, the next open rebuilds it.
    // Following stops with the workspace too (its watermark is saved every tick).
    if (services.jobs.list().some((j) => j.state === 'running' && j.kind !== MAP_CACHE_JOB && j.kind !== FOLLOW_JOB))
      throw new ApiError('BAD_REQUEST', 'finish or cancel the running jobs before switching workspaces');
    const next = await createServices(path, events); // a bad file fails here and the current workspace stays open
    await closeServices(services);
    services = next;
    router = createRouter(buildHandlers(services, open), log);
    events.emit('workspace.changed', { reason: 'opened' });
  };
  router = createRouter(buildHandlers(services, open), log);
  // The console's sandbox is closed for good once applied: an import from a folder outside it reopens
  // the workspace's DuckDB instance with that folder admitted (kept console results are dropped).
  let admitting: Promise<unknown> = Promise.resolve();
  const admit = (path: string) => {
    const run = admitting.then(async () => {
      const dir = await folderOf(path);
      if (services.sandbox.admit(dir)) return;
      if (services.jobs.list().some((j) => j.state === 'running' && j.kind !== MAP_CACHE_JOB)) {
        throw new ApiError('BUSY', `importing from ${dir} needs the workspace reopened; finish or cancel the running jobs first`);
      }
      const workspace = services.ws.path;
      await closeServices(services);
      services = await createServices(workspace, events);
      services.sandbox.admit(dir);
      router = createRouter(buildHandlers(services, open), log);
      events.emit('workspace.changed', { reason: 'opened' });
    });
    admitting = run.catch(() => undefined);
    return run;
  };
  return {
    get services() {
      return services;
    },
    router: {
      async call(method, request) {
        const path = importedPath(method, request);
        if (path !== undefined) {
          try {
            await admit(path);
          } catch (e) {
            return { ok: false, error: toErrorBody(e) };
          }
        }
        return router.call(method, request);
      },
      methods: () => router.methods(),
    },
    close: () => closeServices(services),
  };
}

/**
 * Closes the app but gives up after `ms` (SIGTERM and window close must end within 2 s, issue #16):
 * true when everything closed in time. DuckDB's WAL keeps the workspace consistent either way.
 */
export async function closeWithin(app: App, ms: number): Promise<boolean> {
  return finishedWithin(app.close(), ms);
}
