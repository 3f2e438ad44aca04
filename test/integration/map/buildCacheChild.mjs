// A child process for the kill test: builds the map cache of the workspace in argv[2], printing each
// progress report to stderr, so the test can SIGKILL it mid-statement.
import { register } from 'tsx/esm/api';
register();
const { openWorkspace } = await import('../../../electron/workspace/workspace.ts');
const { SCHEMA_COMPONENTS } = await import('../../../electron/api/services.ts');
const { mapCache } = await import('../../../electron/map/cache.ts');
const ws = await openWorkspace(process.argv[2], SCHEMA_COMPONENTS);
await mapCache(ws, { onProgress: (p) => process.stderr.write(`${p.done} ${p.message}\n`) });
ws.close();
