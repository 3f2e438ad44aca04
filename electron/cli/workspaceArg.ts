import type { ApiClient } from '../../shared/api/index.ts';
import { createApp, type App } from '../api/app.ts';
import { inProcessClient } from '../api/client.ts';
import { resolveWorkspacePath } from '../workspace/paths.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import { CliError } from './command.ts';

/** Opens the workspace named by --workspace (or REDZONE_WORKSPACE, or the default) with every capability. */
export async function openAppFromFlag(flag: string | undefined): Promise<App> {
  try {
    return await createApp(resolveWorkspacePath(flag), () => {});
  } catch (e) {
    if (e instanceof ApiError) throw new CliError(e.message);
    throw e;
  }
}

/** The typed in-process client, its error envelopes turned into one-line CLI failures ("CODE: message", exit 1). */
export function cliClient(app: App): ApiClient {
  const client = inProcessClient(app);
  return {
    call: (method, request) => orFail(client.call(method, request)),
    on: client.on,
  };
}

/** Runs a service call directly (not through the router) and turns its ApiError into a one-line CLI failure. */
export async function orFail<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof ApiError) throw new CliError(`${e.code}: ${e.message}`, 1);
    throw e;
  }
}
