// A child process for the SIGTERM test: browser mode over a workspace (argv[2]) exactly as `web` runs it;
// prints "port token" once listening, then serves until signalled.
import { register } from 'tsx/esm/api';
register();
const { createApp } = await import('../../../electron/api/app.ts');
const { startBrowserMode } = await import('../../../electron/api/http.ts');
const { serveUntilStopped } = await import('../../../electron/cli/commands/web.ts');
const app = await createApp(process.argv[2], () => {});
const server = await startBrowserMode({ router: app.router, events: app.services.events, staticDir: process.argv[3], downloadDirs: () => [] });
process.stdout.write(`${server.port} ${server.token}\n`);
await serveUntilStopped(app, server, (l) => process.stderr.write(l + '\n'));
