import { exportsDir } from '../../workspace/exports.ts';
import { closeWithin, type App } from '../../api/app.ts';
import { demoWorkspacePath, loadDemoIfEmpty } from '../../api/demo.ts';
import { startBrowserMode, type BrowserModeServer } from '../../api/http.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { ensureRendererBuilt, RENDERER_OUT } from '../rendererBuild.ts';
import { openAppFromFlag } from '../workspaceArg.ts';

export const webCommand: Command = {
  help: `Usage: npm run cli -- web [--workspace FILE] [--port N] [--demo]

Serves the app and its API on 127.0.0.1 only and prints a URL with a per-launch token; requests
without the token, from a foreign Origin or to a foreign Host are refused (403).
  --workspace FILE  workspace file (default: REDZONE_WORKSPACE, then the user-data workspace)
  --port N          port (default: a random free port)
  --demo            open the demo workspace (unless --workspace is given) and load the built-in
                    demo data set into it if it has no play logs yet

Stop it with Ctrl+C.`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { workspace: { type: 'string' }, port: { type: 'string' }, demo: { type: 'boolean' } });
    const port = intOption(values.port, 'port', 0, 0);
    ensureRendererBuilt(io.err);
    const app = await openAppFromFlag(values.workspace ?? (values.demo ? demoWorkspacePath() : undefined));
    const server = await startBrowserMode({
      router: app.router,
      events: app.services.events,
      staticDir: RENDERER_OUT,
      downloadDirs: () => [exportsDir(app.services.ws)],
      port,
    });
    if (values.demo && (await loadDemoIfEmpty(app))) io.out('Loading the demo data set (watch its progress in the app)…');
    io.out(`Redzone is running in browser mode on workspace ${app.services.ws.path}`);
    io.out(`Open ${server.url}`);
    await serveUntilStopped(app, server, io.err);
    return 0;
  },
};

/** Serves until SIGINT or SIGTERM, then stops within 2 s whatever is still running. */
export async function serveUntilStopped(app: App, server: BrowserModeServer, err: (line: string) => void): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  if (!(await closeWithin(app, 1500))) {
    // A statement or job that ignores its cancel must not keep the process (and the workspace lock) alive.
    err('Redzone: some work did not stop in time; exiting anyway (the workspace stays consistent)');
    process.exit(1);
  }
}
