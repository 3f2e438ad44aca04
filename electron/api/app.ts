import { jobsHandlers, sqlHandlers, workspaceHandlers } from './handlers/core.ts';
import { s3Handlers } from './handlers/s3.ts';
import { createRouter, type Handlers, type Router } from './router.ts';
import { closeServices, createServices, type AppServices } from './services.ts';

export interface App {
  services: AppServices;
  router: Router;
  close(): void;
}

/** The composition root shared by Electron, browser mode, the CLI and the tests. */
export async function createApp(workspacePath: string, log: (line: string) => void = (l) => console.error(l)): Promise<App> {
  const services = await createServices(workspacePath);
  const handlers: Handlers = {
    ...workspaceHandlers(services),
    ...sqlHandlers(services),
    ...jobsHandlers(services),
    ...s3Handlers(services),
  };
  return { services, router: createRouter(handlers, log), close: () => closeServices(services) };
}
